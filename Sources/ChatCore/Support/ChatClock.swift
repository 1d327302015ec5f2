import Foundation

/// Time source for the core, truncated to milliseconds: Rocket.Chat's precision, and what every store keeps, so a
/// record reads back equal to what was written.
public struct ChatClock: Sendable {
    private let source: @Sendable () -> Date

    public init(source: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
    }

    public func now() -> Date {
        let ms = (source().timeIntervalSince1970 * 1000).rounded(.down)
        return Date(timeIntervalSince1970: ms / 1000)
    }
}
