public import ChatCore
public import AppsStorage
import Foundation
import MongoDriver

/// Persistence documents are keyed `<appId>:<id>` (ids are per app; an app id never contains `:`), with the app's own
/// id, the data, the associations and the stored size (for the quota).
extension MongoStore {
    static func persistenceKey(_ appId: String, _ id: String) -> BSONValue { .string("\(appId):\(id)") }

    static func persistenceDocument(_ record: AppPersistenceRecord) throws -> BSONDocument {
        let data = BSONDocument(json: record.data.objectValue ?? [:])
        return [
            "_id": persistenceKey(record.appId, record.id), "id": .string(record.id), "appId": .string(record.appId),
            "data": .document(data), "associations": .strings(Array(Set(record.associations)).sorted()), "size": .int(data.byteCount),
        ]
    }

    public func insertPersistence(_ record: AppPersistenceRecord) async throws {
        let document = try Self.persistenceDocument(record)
        try await run { try $0.insertOne(Collection.persistence, document) }
    }

    public func persistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await run { connection in
            try connection.findOne(Collection.persistence, ["_id": Self.persistenceKey(appId, id)]).map(Self.decodePersistence)
        }
    }

    public func persistenceUsage(appId: String) async throws -> AppPersistenceUsage {
        try await run { connection in
            let sizes = try connection.find(Collection.persistence, ["appId": .string(appId)], projection: ["size": 1])
            return AppPersistenceUsage(records: sizes.count, bytes: sizes.reduce(0) { $0 + ($1.int("size") ?? 0) })
        }
    }

    /// Re-keys records written before ids were per app (`_id` was the bare id): run once at start-up.
    func migratePersistenceKeys() async throws {
        try await run { connection in
            for old in try connection.find(Collection.persistence, ["id": ["$exists": false]]) {
                let record = try Self.decodePersistence(old)
                try connection.withTransaction { session in
                    try connection.insertOne(Collection.persistence, try Self.persistenceDocument(record), session: session)
                    try connection.deleteOne(Collection.persistence, ["_id": .string(record.id)], session: session)
                }
            }
        }
    }

    public func persistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord] {
        guard !associations.isEmpty else { return [] }
        return try await run { connection in
            try connection.find(Collection.persistence, Self.byAssociations(appId, associations), sort: ["_id": 1]).map(Self.decodePersistence)
        }
    }

    public func updatePersistence(appId: String, id: String, data: JSONValue) async throws -> Bool {
        let encoded = BSONDocument(json: data.objectValue ?? [:])
        let update: BSONDocument = ["$set": ["data": .document(encoded), "size": .int(encoded.byteCount)]]
        return try await run { connection in
            try connection.updateOne(Collection.persistence, ["_id": Self.persistenceKey(appId, id)], update).matched > 0
        }
    }

    public func removePersistence(appId: String, id: String) async throws -> AppPersistenceRecord? {
        try await transaction { connection, session in
            let filter: BSONDocument = ["_id": Self.persistenceKey(appId, id)]
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
        guard let id = document.string("id") ?? document.string("_id"), let appId = document.string("appId"), let data = document.document("data")
        else {
            throw StoreError(.backend, "malformed persistence document")
        }
        let associations = try document.document("associations")?.decode([String: String].self).sorted { Int($0.key) ?? 0 < Int($1.key) ?? 0 }
            .map(\.value) ?? []
        return AppPersistenceRecord(id: id, appId: appId, data: try data.decode(JSONValue.self), associations: associations)
    }
}
