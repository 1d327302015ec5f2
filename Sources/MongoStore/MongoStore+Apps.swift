public import ChatCore
public import AppsStorage
public import Foundation
import MongoDriver

extension MongoStore {
    public func installApp(_ record: AppRecord, package: Data, botUser: User?) async throws {
        let document = try MongoDocuments.app(record, package: package)
        let bot = try botUser.map(MongoDocuments.user)
        try await transaction { connection, session in
            if let bot { try connection.insertOne(Collection.users, bot, session: session) }
            try connection.insertOne(Collection.apps, document, session: session)
        }
    }

    public func replaceApp(_ record: AppRecord, package: Data) async throws {
        let document = try MongoDocuments.app(record, package: package)
        try await run { connection in
            guard try connection.replaceOne(Collection.apps, ["_id": .string(record.id)], document).matched > 0 else {
                throw StoreError(.notFound, "no app \(record.id)")
            }
        }
    }

    public func updateApp(_ record: AppRecord) async throws {
        let update: BSONDocument = ["$set": ["record": .document(try BSONDocument(encoding: record))]]
        try await run { connection in
            guard try connection.updateOne(Collection.apps, ["_id": .string(record.id)], update).matched > 0 else {
                throw StoreError(.notFound, "no app \(record.id)")
            }
        }
    }

    public func uninstallApp(id: String) async throws {
        try await transaction { connection, session in
            guard let found = try connection.findOne(Collection.apps, ["_id": .string(id)], projection: ["package": 0], session: session) else {
                throw StoreError(.notFound, "no app \(id)")
            }
            if let bot = try MongoDocuments.decodeApp(found).botUserId {
                _ = try Self.deleteUserDocuments(connection, session, id: bot)
            }
            try connection.deleteMany(Collection.appLogs, ["appId": .string(id)], session: session)
            try connection.deleteMany(Collection.persistence, ["appId": .string(id)], session: session)
            try connection.deleteMany(Collection.jobs, ["appId": .string(id)], session: session)
            try connection.deleteMany(Collection.appStats, ["appId": .string(id)], session: session)
            try connection.deleteOne(Collection.apps, ["_id": .string(id)], session: session)
        }
    }

    public func app(id: String) async throws -> AppRecord? {
        try await run { connection in
            try connection.findOne(Collection.apps, ["_id": .string(id)], projection: ["package": 0]).map(MongoDocuments.decodeApp)
        }
    }

    public func apps() async throws -> [AppRecord] {
        try await run { connection in
            try connection.find(Collection.apps, [:], sort: ["installedAt": 1, "_id": 1], projection: ["package": 0])
                .map(MongoDocuments.decodeApp)
        }
    }

    public func appPackage(id: String) async throws -> Data? {
        try await run { connection in
            try connection.findOne(Collection.apps, ["_id": .string(id)], projection: ["package": 1])?.data("package")
        }
    }
}

extension MongoStore {
    public func appendAppLogs(_ entries: [AppLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let documents = try entries.map { try MongoDocuments.appLog($0, sequence: logSequence.next(at: $0.createdAt)) }
        try await run { try $0.insertMany(Collection.appLogs, documents) }
    }

    public func appLogs(_ query: AppLogQuery, page: PageRequest) async throws -> Page<AppLogEntry> {
        let filter: BSONDocument = ["appId": .string(query.appId)]
        if let verbosity = query.maxVerbosity { filter.append("verbosity", ["$lte": .int(verbosity)]) }
        if let method = query.method { filter.append("method", .string(method)) }
        if let node = query.node { filter.append("node", .string(node)) }
        if query.since != nil || query.until != nil {
            let range = BSONDocument()
            if let since = query.since { range.append("$gte", .date(since)) }
            if let until = query.until { range.append("$lte", .date(until)) }
            filter.append("createdAt", .document(range))
        }
        return try await run { connection in
            let items = try Self.findPage(connection, Collection.appLogs, filter, sort: ["seq": Self.direction(page)], page: page)
            return Page(items: try items.map { try $0.decode(AppLogEntry.self) }, total: try connection.count(Collection.appLogs, filter))
        }
    }

    public func appLogNodes() async throws -> [String] {
        try await run { connection in
            let reply = try connection.command(["distinct": .string(Collection.appLogs), "key": "node", "query": ["node": ["$type": "string"]]])
            return (try reply.document("values")?.decode([String: String].self).values.sorted()) ?? []
        }
    }

    public func pruneAppLogs(before: Date, keepPerApp: Int) async throws -> Int {
        try await run { connection in
            var removed = try connection.deleteMany(Collection.appLogs, ["createdAt": ["$lt": .date(before)]])
            let reply = try connection.command(["distinct": .string(Collection.appLogs), "key": "appId"])
            let apps = try reply.document("values")?.decode([String: String].self).values ?? [:].values
            for app in apps {
                let newestFirst = try connection.find(
                    Collection.appLogs, ["appId": .string(app)], sort: ["seq": -1], skip: keepPerApp, limit: 1, projection: ["seq": 1])
                guard let threshold = newestFirst.first?.int("seq") else { continue }
                removed += try connection.deleteMany(Collection.appLogs, ["appId": .string(app), "seq": ["$lte": .int(threshold)]])
            }
            return removed
        }
    }
}
