public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func insertPersistence(_ record: AppPersistenceRecord) async throws {
        let document: BSONDocument = [
            "_id": .string(record.id), "appId": .string(record.appId), "data": .document(try BSONDocument(encoding: record.data)),
            "associations": .strings(Array(Set(record.associations)).sorted()),
        ]
        try await run { try $0.insertOne(Collection.persistence, document) }
    }

    public func persistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await run { connection in
            try connection.findOne(Collection.persistence, ["_id": .string(id), "appId": .string(appId)]).map(Self.decodePersistence)
        }
    }

    public func persistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        guard !associations.isEmpty else { return [] }
        return try await run { connection in
            try connection.find(Collection.persistence, Self.byAssociations(appId, associations), sort: ["_id": 1]).map(Self.decodePersistence)
        }
    }

    public func updatePersistence(appId: String, id: String, data: JSONValue) async throws -> Bool {
        let update: BSONDocument = ["$set": ["data": .document(try BSONDocument(encoding: data))]]
        return try await run { connection in
            try connection.updateOne(Collection.persistence, ["_id": .string(id), "appId": .string(appId)], update).matched > 0
        }
    }

    public func removePersistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await transaction { connection, session in
            let filter: BSONDocument = ["_id": .string(id), "appId": .string(appId)]
            guard let found = try connection.findOne(Collection.persistence, filter, session: session) else { return nil }
            try connection.deleteOne(Collection.persistence, filter, session: session)
            return try Self.decodePersistence(found)
        }
    }

    public func removePersistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        guard !associations.isEmpty else { return [] }
        return try await transaction { connection, session in
            let filter = Self.byAssociations(appId, associations)
            let found = try connection.find(Collection.persistence, filter, sort: ["_id": 1], session: session)
            try connection.deleteMany(Collection.persistence, filter, session: session)
            return try found.map(Self.decodePersistence)
        }
    }

    static func byAssociations(_ appId: String, _ associations: [String]) -> BSONDocument {
        ["appId": .string(appId), "associations": ["$all": .strings(Array(Set(associations)).sorted())]]
    }

    static func decodePersistence(_ document: BSONDocument) throws -> AppPersistenceRecord {
        guard let id = document.string("_id"), let appId = document.string("appId"), let data = document.document("data") else {
            throw StoreError(.backend, "malformed persistence document")
        }
        let associations = try document.document("associations")?.decode([String: String].self).sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }
            .map(\.value) ?? []
        return AppPersistenceRecord(id: id, appId: appId, data: try data.decode(JSONValue.self), associations: associations)
    }
}
