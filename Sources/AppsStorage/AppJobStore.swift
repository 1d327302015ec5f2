public import ChatCore
public import Foundation

/// A scheduled run of an app's processor (`IModify.getScheduler()`, `startupSetting`).
public struct AppJob: Sendable, Hashable, Codable {
    public var id: String
    public var appId: String
    public var processorId: String
    public var nextRunAt: Date
    /// For recurring jobs: the interval as the app gave it (cron, human interval or milliseconds); nil for one-time.
    public var interval: String?
    /// The job's data, handed to the processor.
    public var data: JSONValue?
    public var createdAt: Date

    public init(id: String, appId: String, processorId: String, nextRunAt: Date, interval: String?, data: JSONValue?, createdAt: Date) {
        self.id = id
        self.appId = appId
        self.processorId = processorId
        self.nextRunAt = nextRunAt
        self.interval = interval
        self.data = data
        self.createdAt = createdAt
    }
}

/// Apps' scheduled jobs; they survive restarts and go with the app on uninstall.
public protocol AppJobStore: Sendable {
    func insertJob(_ job: AppJob) async throws
    /// Saves a new `nextRunAt` and gives the job's lease back; answers false when the job was cancelled meanwhile.
    func rescheduleJob(id: String, nextRunAt: Date) async throws -> Bool
    /// Takes the job for `owner` until `until`, atomically: only while it is due at `now` and nobody else holds an
    /// unexpired lease on it (several nodes poll the same jobs; each run belongs to one). Answers whether `owner`
    /// holds it now.
    func claimJob(id: String, owner: String, until: Date, now: Date) async throws -> Bool
    /// Extends `owner`'s lease while the job runs; false when the lease was lost (expired and taken, or the job gone).
    func renewJobLease(id: String, owner: String, until: Date) async throws -> Bool
    /// Removes the job; answers whether it existed.
    func deleteJob(id: String) async throws -> Bool
    /// Removes an app's jobs, all or those of one processor; answers how many.
    func deleteJobs(appId: String, processorId: String?) async throws -> Int
    /// Jobs due at `date`, earliest first.
    func dueJobs(at date: Date, limit: Int) async throws -> [AppJob]
    /// When the earliest job is due (in the past while one waits or runs); nil without jobs.
    func nextJobRunAt() async throws -> Date?
    func jobs(appId: String) async throws -> [AppJob]
}
