public import ChatCore
import Foundation
import MongoDriver

extension MongoStore {
    public func insertUser(_ user: User) async throws {
        let document = try MongoDocuments.user(user)
        try await run { try $0.insertOne(Collection.users, document) }
    }

    public func updateUser(_ user: User) async throws {
        let document = try MongoDocuments.user(user)
        try await run { connection in
            guard try connection.replaceOne(Collection.users, ["_id": .string(user.id)], document).matched > 0 else {
                throw StoreError(.notFound, "no user \(user.id)")
            }
        }
    }

    public func deleteUser(id: String) async throws {
        try await transaction { connection, session in
            guard try Self.deleteUserDocuments(connection, session, id: id) > 0 else { throw StoreError(.notFound, "no user \(id)") }
        }
    }

    /// A user with their tokens and memberships (room member counts adjusted); shared by user deletion and app
    /// uninstall. Answers how many user documents went (0 or 1).
    static func deleteUserDocuments(_ connection: MongoConnection, _ session: MongoSession, id: String) throws -> Int {
        let memberships = try connection.find(
            Collection.subscriptions, ["userId": .string(id)], projection: ["roomId": 1], session: session)
        let roomIds = memberships.compactMap { $0.string("roomId") }
        if !roomIds.isEmpty {
            try connection.updateMany(
                Collection.rooms, ["_id": ["$in": .strings(roomIds)]], ["$inc": ["usersCount": -1]], session: session)
        }
        try connection.deleteMany(Collection.subscriptions, ["userId": .string(id)], session: session)
        try connection.deleteMany(Collection.tokens, ["userId": .string(id)], session: session)
        return try connection.deleteOne(Collection.users, ["_id": .string(id)], session: session)
    }

    public func user(id: String) async throws -> User? {
        try await findUser(["_id": .string(id)])
    }

    public func user(username: String) async throws -> User? {
        try await findUser(["usernameKey": .string(username.lowercased())])
    }

    public func user(email: String) async throws -> User? {
        try await findUser(["emailKeys": .string(email.lowercased())])
    }

    public func users(ids: [String]) async throws -> [User] {
        guard !ids.isEmpty else { return [] }
        return try await run { connection in
            try connection.find(Collection.users, ["_id": ["$in": .strings(ids)]]).map { try $0.decode(User.self) }
        }
    }

    public func users(matching search: String?, page: PageRequest) async throws -> Page<User> {
        let filter: BSONDocument = [:]
        if let term = search, !term.isEmpty {
            let contains: BSONValue = ["$regex": .string(Self.literalPattern(term)), "$options": "i"]
            filter.append("$or", [["usernameKey": contains], ["name": contains]])
        }
        return try await run { connection in
            let items = try Self.findPage(connection, Collection.users, filter, sort: ["usernameKey": Self.direction(page)], page: page)
                .map { try $0.decode(User.self) }
            return Page(items: items, total: try connection.count(Collection.users, filter))
        }
    }

    public func userCount() async throws -> Int {
        try await run { try $0.count(Collection.users, [:]) }
    }

    private func findUser(_ filter: BSONDocument) async throws -> User? {
        try await run { try $0.findOne(Collection.users, filter)?.decode(User.self) }
    }
}

extension MongoStore {
    public func insertToken(_ token: AccessToken) async throws {
        let document = try MongoDocuments.token(token)
        try await run { try $0.insertOne(Collection.tokens, document) }
    }

    public func token(digest: String) async throws -> AccessToken? {
        try await run { try $0.findOne(Collection.tokens, ["_id": .string(digest)])?.decode(AccessToken.self) }
    }

    public func deleteToken(digest: String) async throws {
        try await run { _ = try $0.deleteOne(Collection.tokens, ["_id": .string(digest)]) }
    }

    public func deleteTokens(userId: String, except keep: String?) async throws {
        let filter: BSONDocument = ["userId": .string(userId)]
        if let keep { filter.append("_id", .document(["$ne": .string(keep)])) }
        try await run { _ = try $0.deleteMany(Collection.tokens, filter) }
    }

    public func tokens(userId: String) async throws -> [AccessToken] {
        try await run { try $0.find(Collection.tokens, ["userId": .string(userId)]).map { try $0.decode(AccessToken.self) } }
    }
}
