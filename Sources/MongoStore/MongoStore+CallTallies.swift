public import AppsStorage
import Foundation
import MongoDriver

/// The apps' call tallies of every node (`airlock_app_stats`): one document per node, app and minute, replaced while
/// the minute fills and gone an hour after it through a TTL index.
extension MongoStore: AppCallTallyStore {
    struct CallTallyDocument: Codable {
        var node: String
        var appId: String
        var minute: Int64
        var expiresAt: Date
        var tallies: [AppCallTally]
    }

    public func saveCallTallies(node: String, appId: String, minute: Int64, tallies: [AppCallTally]) async throws {
        let id = BSONValue.string("\(node)|\(appId)|\(minute)")
        let expiresAt = Date(timeIntervalSince1970: TimeInterval((minute + 61) * 60))
        let document = try BSONDocument(
            encoding: CallTallyDocument(node: node, appId: appId, minute: minute, expiresAt: expiresAt, tallies: tallies))
        try await run { connection in
            try connection.updateOne(Collection.appStats, ["_id": id], ["$set": .document(document)], upsert: true)
        }
    }

    public func callTallies(appIds: [String]?, sinceMinute: Int64, excludingNode node: String) async throws -> [String: [AppCallTally]] {
        let filter: BSONDocument = ["minute": ["$gte": .int64(sinceMinute)], "node": ["$ne": .string(node)]]
        if let appIds { filter.append("appId", ["$in": .strings(appIds)]) }
        return try await run { connection in
            try connection.find(Collection.appStats, filter).reduce(into: [:]) { byApp, found in
                let document = try found.decode(CallTallyDocument.self)
                byApp[document.appId, default: []] += document.tallies
            }
        }
    }
}
