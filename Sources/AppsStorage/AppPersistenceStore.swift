public import ChatCore
import Foundation

/// One record an app keeps through `IPersistence`: a JSON object with the associations it can be found by.
public struct AppPersistenceRecord: Sendable, Hashable, Codable {
    public var id: String
    public var appId: String
    /// Always a JSON object (the Apps-Engine's `data: object`).
    public var data: JSONValue
    /// `RocketChatAssociationRecord`s as `model:id` keys (`room:GENERAL`, `misc:settings`).
    public var associations: [String]

    public init(id: String, appId: String, data: JSONValue, associations: [String]) {
        self.id = id
        self.appId = appId
        self.data = data
        self.associations = associations
    }
}

/// How much an app keeps: records and their stored size in bytes (for the per-app quota).
public struct AppPersistenceUsage: Sendable, Hashable {
    public var records: Int
    public var bytes: Int

    public init(records: Int, bytes: Int) {
        self.records = records
        self.bytes = bytes
    }
}

/// Apps' persistence, always scoped by app: record ids are per app (two apps may use the same id). Lookups by
/// associations match records holding **all** of them.
public protocol AppPersistenceStore: Sendable {
    /// Throws `duplicate(key: "persistence.id")` for an id the app already uses.
    func insertPersistence(_ record: AppPersistenceRecord) async throws
    func persistence(appId: String, id: String) async throws -> AppPersistenceRecord?
    func persistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord]
    /// Replaces the data of the record; answers false when there is none.
    func updatePersistence(appId: String, id: String, data: JSONValue) async throws -> Bool
    /// Removes and answers the record.
    func removePersistence(appId: String, id: String) async throws -> AppPersistenceRecord?
    /// Removes and answers the records holding all the associations.
    func removePersistence(appId: String, associations: [String]) async throws -> [AppPersistenceRecord]
    /// What the app keeps, counted by the store.
    func persistenceUsage(appId: String) async throws -> AppPersistenceUsage
}
