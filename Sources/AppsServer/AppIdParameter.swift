import Hummingbird

extension Parameters {
    /// An app id from the path, in the canonical (lower-case) form ids are stored in: `ABC…` names the same app as
    /// `abc…`, so two spellings can never reach two apps.
    func appId(_ name: String) throws -> String {
        try require(name).lowercased()
    }
}
