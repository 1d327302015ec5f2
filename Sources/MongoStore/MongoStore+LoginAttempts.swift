public import ChatCore
public import Foundation
import MongoDriver

/// Login attempt counters for every node (`airlock_login_attempts`, one document per account or address, gone with
/// its window through a TTL index).
extension MongoStore: LoginAttemptStore {
    public func reserveAttempt(_ key: String, limit: Int, window: TimeInterval, now: Date) async throws -> Bool {
        try await run { connection in
            // A window that has passed starts over (the TTL reaper runs only once a minute).
            try connection.deleteOne(Collection.loginAttempts, ["_id": .string(key), "expiresAt": ["$lte": .date(now)]])
            do {
                // Counted only below the limit; at the limit the filter misses and the upsert's insert of the same
                // `_id` fails as a duplicate: refused, atomically, whichever node asks.
                try connection.updateOne(
                    Collection.loginAttempts, ["_id": .string(key), "failures": ["$lt": .int(limit)]],
                    ["$inc": ["failures": 1], "$setOnInsert": ["expiresAt": .date(now.addingTimeInterval(window))]], upsert: true)
                return true
            } catch let error as MongoError where error.isDuplicateKey {
                return false
            }
        }
    }

    public func giveBackAttempt(_ key: String, clear: Bool) async throws {
        try await run { connection in
            if clear {
                try connection.deleteOne(Collection.loginAttempts, ["_id": .string(key)])
            } else {
                try connection.updateOne(Collection.loginAttempts, ["_id": .string(key), "failures": ["$gt": 0]], ["$inc": ["failures": -1]])
            }
        }
    }
}
