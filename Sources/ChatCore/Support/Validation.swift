/// Input rules shared by the services (Rocket.Chat's defaults).
public enum Validation {
    /// Deepest nesting of user-supplied JSON a store keeps.
    public static let maxStoredDepth = 32

    /// User-supplied JSON a store keeps as it is (attachments, blocks, custom fields, apps' data and settings):
    /// no key may start with `$` or contain `.` or NUL, and nesting stops at ``maxStoredDepth``. MongoDB reads
    /// `$`-keys as operators or extended-JSON wrappers (`{"$date": …}` became a date) and dotted keys as paths;
    /// refusing them here makes both stores keep exactly what they were given, or refuse it the same way.
    public static func storable(_ value: JSONValue, field: String) throws {
        func check(_ value: JSONValue, depth: Int) throws {
            guard depth <= maxStoredDepth else {
                throw ChatError.invalidParams("\(field) is nested more than \(maxStoredDepth) levels deep")
            }
            switch value {
            case .object(let fields):
                for (key, child) in fields {
                    if key.hasPrefix("$") || key.contains(".") || key.contains("\0") {
                        throw ChatError.invalidParams("\(field) has the key \"\(key.prefix(64))\": keys may not start with $ or contain dots")
                    }
                    try check(child, depth: depth + 1)
                }
            case .array(let items):
                for item in items { try check(item, depth: depth + 1) }
            default: break
            }
        }
        try check(value, depth: 0)
    }

    /// `UTF8_User_Names_Validation` / `UTF8_Channel_Names_Validation` default: `[0-9a-zA-Z-_.]+`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 46
        }
    }

    /// A deliberately loose address check: one `@`, something on each side, a dot in the domain, no spaces.
    static func isValidEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), email.count <= 254
        else { return false }
        return !email.contains(where: { $0.isWhitespace })
    }

    /// Client-supplied message ids: 1–64 characters of `[A-Za-z0-9_-]`.
    static func isValidClientMessageId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95
        }
    }

    /// `smile` or `:smile:` → `:smile:`; nil when not a plausible emoji name.
    static func normalizedEmoji(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: [":"])
        guard !trimmed.isEmpty, trimmed.count <= 64,
            trimmed.utf8.allSatisfy({ c in
                (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 43
            })
        else { return nil }
        return ":\(trimmed):"
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
