import AppsStorage
import AppsHost
import AppsRuntime
import ChatCore
import Foundation

/// An installed app as `/api/apps` shows it: Rocket.Chat's `IAppInfo` + `status` (its `formatAppInstanceForRest`),
/// plus what Airlock adds for admins: granted permissions, the runtime, the status reason and the call stats.
struct AppDTO: Encodable {
    let record: AppRecord
    let stats: [String: AppCallStats.MethodStats]
    let droppedLogLines: Int
    /// The app's limits (the server's defaults where its admin set none).
    let limits: AppLimits
    /// Where the app runs and, for a worker, its pid, memory, CPU, restarts, last failure and isolation.
    let runtime: AppRuntimeStatus
    /// What the app uses now (only `GET /api/apps/:id` measures it).
    var usage: JSONValue? = nil

    struct ManifestKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    enum Keys: String, CodingKey {
        case status, statusReason, permissionsGranted, runtime, stats, droppedLogLines, createdAt, updatedAt, languages, limits, usage
        case signature
        case isPrivate = "private"
        case migrated
    }

    func encode(to encoder: any Encoder) throws {
        // The manifest's own keys first, through the same keyed container (mixing containers is not portable).
        var manifest = encoder.container(keyedBy: ManifestKey.self)
        for (key, value) in record.manifest.objectValue ?? [:] {
            try manifest.encode(value, forKey: ManifestKey(stringValue: key))
        }
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(record.status, forKey: .status)
        try container.encodeIfPresent(record.statusReason, forKey: .statusReason)
        try container.encode(record.permissionsGranted, forKey: .permissionsGranted)
        try container.encode(runtime.json, forKey: .runtime)
        try container.encode(stats, forKey: .stats)
        try container.encode(droppedLogLines, forKey: .droppedLogLines)
        try container.encode(limits.json, forKey: .limits)
        try container.encodeIfPresent(usage, forKey: .usage)
        let signature: JSONValue = record.signer.map { ["signed": true, "keyId": .string($0.keyId), "signer": .string($0.name)] } ?? ["signed": false]
        try container.encode(signature, forKey: .signature)
        try container.encode([String: String](), forKey: .languages)
        try container.encode(true, forKey: .isPrivate)
        try container.encode(false, forKey: .migrated)
        try container.encode(record.createdAt, forKey: .createdAt)
        try container.encode(record.updatedAt, forKey: .updatedAt)
    }
}

/// One app log line in Rocket.Chat's `ILoggerStorageEntry` shape (one entry per document).
struct AppLogDTO: Encodable {
    let entry: AppLogEntry

    struct Line: Encodable {
        let caller: String
        let severity: String
        let timestamp: Date
        let args: [String]
    }

    enum Keys: String, CodingKey { case appId, method, entries, startTime, endTime, totalTime, instanceId, _createdAt, _updatedAt }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entry.appId, forKey: .appId)
        try container.encode(entry.method, forKey: .method)
        try container.encode(
            [Line(caller: entry.method, severity: entry.level.rawValue, timestamp: entry.createdAt, args: [entry.message])], forKey: .entries)
        try container.encode(entry.createdAt, forKey: .startTime)
        try container.encode(entry.createdAt, forKey: .endTime)
        try container.encode(0, forKey: .totalTime)
        try container.encode(entry.node ?? "local", forKey: .instanceId)
        try container.encode(entry.createdAt, forKey: ._createdAt)
        try container.encode(entry.createdAt, forKey: ._updatedAt)
    }
}
