/// A value crossing between Swift and JavaScript outside the JSON fast path.
///
/// Objects and arrays travel as JSON text; `Uint8Array`/`ArrayBuffer`/`Buffer` as bytes.
public enum HostValue: Sendable, Hashable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An object or array, as JSON text.
    case json(String)
    case bytes([UInt8])

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var number: Double? { if case .number(let n) = self { n } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var bytes: [UInt8]? { if case .bytes(let b) = self { b } else { nil } }
    public var json: String? { if case .json(let j) = self { j } else { nil } }
}

/// The arguments of a host function call, already converted on the VM thread.
public struct HostArguments: Sendable {
    public let values: [HostValue]

    public init(_ values: [HostValue]) {
        self.values = values
    }

    public var count: Int { values.count }

    public subscript(_ index: Int) -> HostValue { index < values.count ? values[index] : .undefined }

    /// A required string argument.
    public func string(_ index: Int, _ name: String = "argument") throws -> String {
        guard let value = self[index].string else { throw HostError.type("\(name) must be a string") }
        return value
    }

    /// A required byte argument (`Uint8Array`, `ArrayBuffer` or a string taken as UTF-8).
    public func bytes(_ index: Int, _ name: String = "argument") throws -> [UInt8] {
        switch self[index] {
        case .bytes(let b): return b
        case .string(let s): return Array(s.utf8)
        default: throw HostError.type("\(name) must be bytes or a string")
        }
    }
}

/// An error thrown by a host function: becomes a JavaScript `TypeError`/`Error` the app can catch.
public struct HostError: Error, Sendable, Hashable {
    public var name: String
    public var message: String

    public init(name: String = "Error", message: String) {
        self.name = name
        self.message = message
    }

    public static func type(_ message: String) -> HostError { HostError(name: "TypeError", message: message) }
}
