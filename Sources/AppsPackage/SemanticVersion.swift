/// A Semantic Versioning 2.0 version (`1.2.3`, `2.0.0-alpha.1`, `1.0.0+build.5`): app versions and the Apps-Engine
/// API version apps require. Build metadata is kept for display and ignored by comparison, as the spec says.
public struct SemanticVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// Pre-release identifiers (`alpha`, `1`); empty for a release.
    public var prerelease: [String]
    /// Build metadata after `+`; nil when there is none.
    public var build: String?

    public init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = [], build: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    /// Parses `major.minor.patch[-prerelease][+build]`: numbers without leading zeros, identifiers of
    /// `[0-9A-Za-z-]`; nil otherwise.
    public init?(_ text: String) {
        var rest = Substring(text)
        var build: String?
        if let plus = rest.firstIndex(of: "+") {
            let metadata = rest[rest.index(after: plus)...]
            guard Self.validIdentifiers(metadata, numericRule: false) else { return nil }
            build = String(metadata)
            rest = rest[..<plus]
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            let identifiers = rest[rest.index(after: dash)...]
            guard Self.validIdentifiers(identifiers, numericRule: true) else { return nil }
            prerelease = identifiers.split(separator: ".").map(String.init)
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy(Self.isNumber), let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2])
        else { return nil }
        self.init(a, b, c, prerelease: prerelease, build: build)
    }

    public var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: ".")) + (build.map { "+" + $0 } ?? "")
    }

    /// Equal precedence: build metadata does not count.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) == (rhs.major, rhs.minor, rhs.patch) && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    /// SemVer precedence: numbers, then a pre-release below its release, then identifier by identifier (numeric ones
    /// by value and below alphanumeric ones, alphanumeric ones in ASCII order, a shorter list first when all match).
    public static func < (lhs: Self, rhs: Self) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, _): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            switch (Int(left), Int(right)) {
            case let (l?, r?): return l < r
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return Array(left.utf8).lexicographicallyPrecedes(Array(right.utf8))
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    /// Whether this version satisfies `range` (`1.2.3`, `^1.2.3`, `~1.2.3`, each with an optional pre-release); nil
    /// when the range is malformed. As in npm, a pre-release satisfies a range only when the range names a
    /// pre-release of the same `major.minor.patch`: `^1.2.3` takes `1.4.0` but not `2.0.0-alpha` or `1.4.0-beta`.
    public func satisfies(_ range: String) -> Bool? {
        let caret = range.hasPrefix("^"), tilde = range.hasPrefix("~")
        guard let base = SemanticVersion(caret || tilde ? String(range.dropFirst()) : range) else { return nil }
        if !prerelease.isEmpty, base.prerelease.isEmpty || (base.major, base.minor, base.patch) != (major, minor, patch) {
            return false
        }
        if caret {
            // npm: ^1.2.3 := >=1.2.3 <2.0.0; ^0.2.3 := >=0.2.3 <0.3.0; ^0.0.3 := >=0.0.3 <0.0.4.
            let upper =
                base.major > 0
                ? SemanticVersion(base.major + 1, 0, 0)
                : base.minor > 0 ? SemanticVersion(0, base.minor + 1, 0) : SemanticVersion(0, 0, base.patch + 1)
            return self >= base && self < upper
        }
        if tilde { return self >= base && self < SemanticVersion(base.major, base.minor + 1, 0) }
        return self == base
    }

    private static func isNumber(_ part: Substring) -> Bool {
        !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } && (part == "0" || part.first != "0")
    }

    /// Dot-separated, non-empty identifiers of `[0-9A-Za-z-]`; pre-release numbers must not have leading zeros.
    private static func validIdentifiers(_ text: Substring, numericRule: Bool) -> Bool {
        let identifiers = text.split(separator: ".", omittingEmptySubsequences: false)
        return identifiers.allSatisfy { identifier in
            guard !identifier.isEmpty, identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else { return false }
            let numeric = identifier.allSatisfy(\.isNumber)
            return !numericRule || !numeric || isNumber(identifier)
        }
    }
}
