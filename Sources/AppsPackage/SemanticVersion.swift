/// `major.minor.patch` and the npm `semver.satisfies` subset Apps-Engine manifests use: `x.y.z` (exact), `^x.y.z`
/// and `~x.y.z`.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `x.y.z` (digits only); nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2]),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        self.init(a, b, c)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// Whether this version satisfies `range` (`1.2.3`, `^1.2.3`, `~1.2.3`); nil when the range is malformed.
    public func satisfies(_ range: String) -> Bool? {
        if range.hasPrefix("^") {
            guard let base = SemanticVersion(String(range.dropFirst())) else { return nil }
            // npm: ^1.2.3 := >=1.2.3 <2.0.0; ^0.2.3 := >=0.2.3 <0.3.0; ^0.0.3 := >=0.0.3 <0.0.4.
            let upper =
                base.major > 0
                ? SemanticVersion(base.major + 1, 0, 0)
                : base.minor > 0 ? SemanticVersion(0, base.minor + 1, 0) : SemanticVersion(0, 0, base.patch + 1)
            return self >= base && self < upper
        }
        if range.hasPrefix("~") {
            guard let base = SemanticVersion(String(range.dropFirst())) else { return nil }
            return self >= base && self < SemanticVersion(base.major, base.minor + 1, 0)
        }
        guard let exact = SemanticVersion(range) else { return nil }
        return self == exact
    }
}
