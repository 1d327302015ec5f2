public import ChatCore
public import AppsStorage
import Foundation
import GRDB

extension EmbeddedStore {
    public func appendAppLogs(_ entries: [AppLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let rows = try entries.map { entry in
            (entry, try Codec.encode(entry))
        }
        try await write { db in
            for (entry, doc) in rows {
                try Self.run(
                    db, "INSERT INTO app_logs (app_id, ts, verbosity, method, node, doc) VALUES (?, ?, ?, ?, ?, ?)",
                    [entry.appId, Codec.millis(entry.createdAt), entry.level.verbosity, entry.method, entry.node, doc])
            }
        }
    }

    public func appLogs(_ query: AppLogQuery, page: PageRequest) async throws -> Page<AppLogEntry> {
        var conditions = ["app_id = ?"]
        var arguments: StatementArguments = [query.appId]
        if let verbosity = query.maxVerbosity {
            conditions.append("verbosity <= ?")
            _ = arguments.append(contentsOf: [verbosity])
        }
        if let method = query.method {
            conditions.append("method = ?")
            _ = arguments.append(contentsOf: [method])
        }
        if let node = query.node {
            conditions.append("node = ?")
            _ = arguments.append(contentsOf: [node])
        }
        if let since = query.since {
            conditions.append("ts >= ?")
            _ = arguments.append(contentsOf: [Codec.millis(since)])
        }
        if let until = query.until {
            conditions.append("ts <= ?")
            _ = arguments.append(contentsOf: [Codec.millis(until)])
        }
        let filter = conditions.joined(separator: " AND ")
        let order = page.ascending ? "ASC" : "DESC"
        let listArguments = arguments + [page.count, page.offset]
        let countArguments = arguments
        return try await read { db in
            let docs = try Data.fetchAll(
                db, sql: "SELECT doc FROM app_logs WHERE \(filter) ORDER BY seq \(order) LIMIT ? OFFSET ?", arguments: listArguments)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM app_logs WHERE \(filter)", arguments: countArguments) ?? 0
            return Page(items: try docs.map { try Codec.decode(AppLogEntry.self, from: $0) }, total: total)
        }
    }

    public func pruneAppLogs(before: Date, keepPerApp: Int) async throws -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM app_logs WHERE ts < ?", arguments: [Codec.millis(before)])
            var removed = db.changesCount
            let apps = try String.fetchAll(
                db, sql: "SELECT app_id FROM app_logs GROUP BY app_id HAVING COUNT(*) > ?", arguments: [keepPerApp])
            for app in apps {
                try db.execute(
                    sql: """
                        DELETE FROM app_logs WHERE app_id = ? AND seq <= (
                            SELECT seq FROM app_logs WHERE app_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)
                        """,
                    arguments: [app, app, keepPerApp])
                removed += db.changesCount
            }
            return removed
        }
    }

    public func appLogNodes() async throws -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT DISTINCT node FROM app_logs WHERE node IS NOT NULL ORDER BY node") }
    }
}
