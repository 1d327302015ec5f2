public import AppsStorage
import Foundation
import MongoDriver

extension MongoStore {
    public func addTrustedKey(_ key: TrustedKey) async throws {
        let document = try BSONDocument(encoding: key).append("_id", .string(key.id))
        try await run { try $0.insertOne(Collection.trustedKeys, document) }
    }

    public func trustedKeys() async throws -> [TrustedKey] {
        try await run { connection in
            try connection.find(Collection.trustedKeys, [:], sort: ["createdAt": 1, "_id": 1]).map { try $0.decode(TrustedKey.self) }
        }
    }

    public func removeTrustedKey(id: String) async throws -> Bool {
        try await run { try $0.deleteOne(Collection.trustedKeys, ["_id": .string(id)]) > 0 }
    }
}
