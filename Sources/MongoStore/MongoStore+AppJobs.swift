import ChatCore
public import AppsStorage
import Foundation
import MongoDriver

extension MongoStore {
    public func insertJob(_ job: AppJob) async throws {
        let document = try BSONDocument(encoding: job).append("_id", .string(job.id))
        try await run { try $0.insertOne(Collection.jobs, document) }
    }

    public func rescheduleJob(id: String, nextRunAt: Date) async throws -> Bool {
        try await run { connection in
            try connection.updateOne(
                Collection.jobs, ["_id": .string(id)],
                ["$set": ["nextRunAt": .date(nextRunAt)], "$unset": ["leaseOwner": "", "leaseUntil": ""]]
            ).matched > 0
        }
    }

    public func claimJob(id: String, owner: String, until: Date, now: Date) async throws -> Bool {
        let free: BSONValue = [
            ["leaseUntil": ["$exists": false]], ["leaseUntil": .null], ["leaseUntil": ["$lt": .date(now)]], ["leaseOwner": .string(owner)],
        ]
        return try await run { connection in
            try connection.updateOne(
                Collection.jobs, ["_id": .string(id), "nextRunAt": ["$lte": .date(now)], "$or": free],
                ["$set": ["leaseOwner": .string(owner), "leaseUntil": .date(until)]]
            ).matched > 0
        }
    }

    public func renewJobLease(id: String, owner: String, until: Date) async throws -> Bool {
        try await run { connection in
            try connection.updateOne(
                Collection.jobs, ["_id": .string(id), "leaseOwner": .string(owner)], ["$set": ["leaseUntil": .date(until)]]
            ).matched > 0
        }
    }

    public func deleteJob(id: String) async throws -> Bool {
        try await run { try $0.deleteOne(Collection.jobs, ["_id": .string(id)]) > 0 }
    }

    public func deleteJobs(appId: String, processorId: String?) async throws -> Int {
        let filter: BSONDocument = ["appId": .string(appId)]
        if let processorId { filter.append("processorId", .string(processorId)) }
        return try await run { try $0.deleteMany(Collection.jobs, filter) }
    }

    public func dueJobs(at date: Date, limit: Int) async throws -> [AppJob] {
        try await run { connection in
            try connection.find(Collection.jobs, ["nextRunAt": ["$lte": .date(date)]], sort: ["nextRunAt": 1, "_id": 1], limit: limit)
                .map { try $0.decode(AppJob.self) }
        }
    }

    public func nextJobRunAt() async throws -> Date? {
        try await run { connection in
            try connection.find(Collection.jobs, [:], sort: ["nextRunAt": 1], limit: 1, projection: ["nextRunAt": 1]).first?.date("nextRunAt")
        }
    }

    public func jobs(appId: String) async throws -> [AppJob] {
        try await run { connection in
            try connection.find(Collection.jobs, ["appId": .string(appId)], sort: ["nextRunAt": 1, "_id": 1]).map { try $0.decode(AppJob.self) }
        }
    }
}
