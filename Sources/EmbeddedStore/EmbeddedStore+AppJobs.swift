import ChatCore
public import AppsStorage
import Foundation
import GRDB

extension EmbeddedStore {
    public func insertJob(_ job: AppJob) async throws {
        let doc = try Codec.encode(job)
        try await write { db in
            try Self.run(
                db, "INSERT INTO app_jobs (id, app_id, processor_id, next_run, doc) VALUES (?, ?, ?, ?, ?)",
                [job.id, job.appId, job.processorId, Codec.millis(job.nextRunAt), doc])
        }
    }

    public func rescheduleJob(id: String, nextRunAt: Date) async throws -> Bool {
        try await write { db in
            guard let doc = try Data.fetchOne(db, sql: "SELECT doc FROM app_jobs WHERE id = ?", arguments: [id]) else { return false }
            var job = try Codec.decode(AppJob.self, from: doc)
            job.nextRunAt = nextRunAt
            try Self.run(
                db, "UPDATE app_jobs SET next_run = ?, doc = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
                [Codec.millis(nextRunAt), try Codec.encode(job), id])
            return true
        }
    }

    public func claimJob(id: String, owner: String, until: Date, now: Date) async throws -> Bool {
        try await write { db in
            try Self.run(
                db, """
                    UPDATE app_jobs SET lease_owner = ?, lease_until = ?
                    WHERE id = ? AND next_run <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)
                    """,
                [owner, Codec.millis(until), id, Codec.millis(now), Codec.millis(now), owner])
            return db.changesCount > 0
        }
    }

    public func renewJobLease(id: String, owner: String, until: Date) async throws -> Bool {
        try await write { db in
            try Self.run(db, "UPDATE app_jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?", [Codec.millis(until), id, owner])
            return db.changesCount > 0
        }
    }

    public func deleteJob(id: String) async throws -> Bool {
        try await write { db in
            try Self.run(db, "DELETE FROM app_jobs WHERE id = ?", [id])
            return db.changesCount > 0
        }
    }

    public func deleteJobs(appId: String, processorId: String?) async throws -> Int {
        try await write { db in
            if let processorId {
                try Self.run(db, "DELETE FROM app_jobs WHERE app_id = ? AND processor_id = ?", [appId, processorId])
            } else {
                try Self.run(db, "DELETE FROM app_jobs WHERE app_id = ?", [appId])
            }
            return db.changesCount
        }
    }

    public func dueJobs(at date: Date, limit: Int) async throws -> [AppJob] {
        try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT doc FROM app_jobs WHERE next_run <= ? ORDER BY next_run, id LIMIT ?", arguments: [Codec.millis(date), limit]
            ).map { try Codec.decode(AppJob.self, from: $0) }
        }
    }

    public func nextJobRunAt() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_run) FROM app_jobs").map(Codec.date)
        }
    }

    public func jobs(appId: String) async throws -> [AppJob] {
        try await read { db in
            try Data.fetchAll(db, sql: "SELECT doc FROM app_jobs WHERE app_id = ? ORDER BY next_run, id", arguments: [appId])
                .map { try Codec.decode(AppJob.self, from: $0) }
        }
    }
}
