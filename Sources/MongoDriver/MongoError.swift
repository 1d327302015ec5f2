import CMongoC
import Foundation

/// A libmongoc or server failure. `code` 11000 is a duplicate key; `labels` carries the server's error labels
/// (`TransientTransactionError`, ...).
public struct MongoError: Error, Sendable, CustomStringConvertible {
    public var domain: UInt32
    public var code: UInt32
    public var message: String
    public var labels: [String]

    public init(domain: UInt32 = 0, code: UInt32 = 0, message: String, labels: [String] = []) {
        self.domain = domain
        self.code = code
        self.message = message
        self.labels = labels
    }

    init(_ error: bson_error_t, reply: OpaquePointer? = nil) {
        var error = error
        let message = withUnsafePointer(to: &error) { String(cString: airlock_bson_error_message($0)) }
        var labels: [String] = []
        if let reply {
            for label in ["TransientTransactionError", "UnknownTransactionCommitResult"] where mongoc_error_has_label(reply, label) {
                labels.append(label)
            }
        }
        self.init(domain: error.domain, code: error.code, message: message, labels: labels)
    }

    public var isDuplicateKey: Bool { code == 11000 }

    /// The index a duplicate-key error names (`... index: <name> dup key ...`).
    public var duplicateIndex: String? {
        guard isDuplicateKey, let range = message.range(of: "index: ") else { return nil }
        return String(message[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// Worth retrying the whole transaction: labelled so by the server, or a write conflict (code 112), which some
    /// servers report without the label.
    public var isTransient: Bool {
        labels.contains("TransientTransactionError") || labels.contains("UnknownTransactionCommitResult") || code == 112
    }

    /// A change stream cannot resume from its token: the server's history no longer reaches it (286
    /// ChangeStreamHistoryLost, 280 ChangeStreamFatalError), or it does not take the token (260 InvalidResumeToken;
    /// 9 FailedToParse from SecantusDB). Retrying with the same token cannot succeed.
    public var isResumePointLost: Bool {
        domain == MONGOC_ERROR_SERVER.rawValue && [9, 260, 280, 286].contains(code)
    }

    public var description: String { domain == 0 && code == 0 ? message : "\(message) (domain \(domain), code \(code))" }
}
