/// A developer-tool failure: what went wrong and, where there is one, the fix; the CLI prints both on one line.
public struct DevToolError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let fix: String?

    public init(_ message: String, fix: String? = nil) {
        self.message = message
        self.fix = fix
    }

    public var description: String { fix.map { "\(message) — \($0)" } ?? message }
}
