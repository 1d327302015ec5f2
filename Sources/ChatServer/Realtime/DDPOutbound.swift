import ChatCore
import Foundation

/// Builders for the server's DDP frames, as JSON text.
enum DDPOutbound {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value) else { return #"{"msg":"error","reason":"encoding failed"}"# }
        return String(decoding: data, as: UTF8.self)
    }

    struct Connected: Encodable { var msg = "connected"; let session: String }
    struct Failed: Encodable { var msg = "failed"; var version = "1" }
    struct Pong: Encodable { var msg = "pong"; let id: String? }
    struct ErrorFrame: Encodable { var msg = "error"; let reason: String; let offendingMessage: String? }
    struct Ready: Encodable { var msg = "ready"; let subs: [String] }
    struct NoSub: Encodable { var msg = "nosub"; let id: String; let error: DDPError? }
    struct Updated: Encodable { var msg = "updated"; let methods: [String] }

    struct Result<Value: Encodable>: Encodable {
        var msg = "result"
        let id: String
        let result: Value?
        let error: DDPError?
    }

    /// A stream event: `{"msg":"changed","collection":<stream>,"id":"id","fields":{"eventName":<key>,"args":[...]}}`.
    struct Changed<Args: Encodable>: Encodable {
        var msg = "changed"
        let collection: String
        var id = "id"
        let fields: Fields

        struct Fields: Encodable {
            let eventName: String
            let args: Args
        }

        init(collection: String, eventName: String, args: Args) {
            self.collection = collection
            fields = Fields(eventName: eventName, args: args)
        }
    }

    static func changed(_ collection: String, _ eventName: String, _ args: some Encodable) -> String {
        encode(Changed(collection: collection, eventName: eventName, args: args))
    }
}
