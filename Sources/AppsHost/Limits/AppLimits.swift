public import ChatCore

/// One app's resource limits: the per-app limits model (DESIGN §5) that admins read and change over
/// `GET|POST /api/apps/:id/limits`, stored with the app's record. Worker isolation, the web console and multi-node
/// extend this one model rather than adding their own.
public struct AppLimits: Sendable, Hashable {
    /// Records the app may keep through `IPersistence`.
    public var persistenceRecords = 10_000
    /// Bytes those records may take, as stored.
    public var persistenceBytes = 64 << 20
    /// Scheduled jobs (one-time and recurring) the app may have at once.
    public var scheduledJobs = 100
    /// Shortest interval of a recurring job.
    public var minJobIntervalMilliseconds = 1000
    /// Outbound HTTP requests (`IHttp`) in flight at once.
    public var outboundConcurrentRequests = 8
    /// Response bytes those requests may hold at once (each request's own cap is what is left of this).
    public var outboundResponseBytesInFlight = 32 << 20
    /// The app's JavaScript heap, polled; growing past it stops the app.
    public var heapBytes = 256 << 20

    public init() {}

    /// Each limit's name on the wire, its value and the range an admin may set.
    private static var fields: [(name: String, keyPath: WritableKeyPath<AppLimits, Int>, range: ClosedRange<Int>)] {[
        ("persistenceRecords", \.persistenceRecords, 0...10_000_000),
        ("persistenceBytes", \.persistenceBytes, 0...(64 << 30)),
        ("scheduledJobs", \.scheduledJobs, 0...100_000),
        ("minJobIntervalMilliseconds", \.minJobIntervalMilliseconds, 1000...86_400_000),
        ("outboundConcurrentRequests", \.outboundConcurrentRequests, 0...1000),
        ("outboundResponseBytesInFlight", \.outboundResponseBytesInFlight, 0...(1 << 30)),
        ("heapBytes", \.heapBytes, (8 << 20)...(16 << 30)),
    ]}

    /// `{name: value}` for every limit.
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Self.fields.map { ($0.name, .number(Double(self[keyPath: $0.keyPath]))) }))
    }

    /// The stored form (a record's `limits`), unknown or out-of-range entries ignored (defaults apply).
    public init(stored: JSONValue?) {
        self.init()
        for field in Self.fields {
            if case .number(let n)? = stored?[field.name], let value = Int(exactly: n), field.range.contains(value) {
                self[keyPath: field.keyPath] = value
            }
        }
    }

    /// These limits with an admin's changes applied; an unknown name, a non-integer or a value out of range is
    /// refused with the reason and changes nothing.
    public func applying(_ changes: JSONValue) throws -> AppLimits {
        guard let object = changes.objectValue else { throw ChatError.invalidParams("limits must be an object of name: integer") }
        var limits = self
        for (name, value) in object {
            guard let field = Self.fields.first(where: { $0.name == name }) else {
                throw ChatError.invalidParams("Unknown limit \"\(name)\"; known: \(Self.fields.map(\.name).joined(separator: ", "))")
            }
            guard case .number(let n) = value, let integer = Int(exactly: n), field.range.contains(integer) else {
                throw ChatError.invalidParams("\"\(name)\" must be an integer in \(field.range.lowerBound)...\(field.range.upperBound)")
            }
            limits[keyPath: field.keyPath] = integer
        }
        return limits
    }
}
