public import AirlockJSON
import Foundation
public import JavaScriptRuntime

/// The messages between the engine and an app's VM (the JavaScript half is `AppsSDK/runtime/bridge.js`).
///
/// Every request carries an `id` its reply `{"id": n, "result": ...}` echoes (``Envelope``); app → engine accessor
/// calls are `{"id": n, "name": "persistence.read", "args": [...]}` with the app side's own ids. In-process both
/// travel as values (``JSONValue`` trees, no JSON text) through `JavaScriptVM.callEntry("dispatch", value:)` and the
/// `accessor` host function (`log` takes plain strings); the worker-process runtime will carry the same trees as JSON
/// over a socket and match replies by id. No message carries the caller's identity: the host knows which app is calling from the VM
/// (later: the worker) the message came from.
public enum BridgeProtocol {
    /// Engine → app.
    public enum Request: Sendable {
        /// An event handler (`checkPreMessageSentPrevent`, `executePostMessageSent`, ...) with its event arguments;
        /// the app side adds the accessors (read, http, persistence, modify; an extender or builder where the
        /// Apps-Engine passes one). Answers `{value}`: what the handler returned.
        case hook(method: String, args: [JSONValue])
        /// A slash command's `executor`, `previewer` or `executePreviewItem` with the `SlashCommandContext` fields
        /// (`sender`, `room`, `params`, `threadId`, `triggerId`) and, for a preview item, the item. Answers `{value}`.
        case command(name: String, method: String, context: JSONValue, item: JSONValue?)
        /// An app HTTP endpoint's handler (`get`, `post`, ...) for the registered `path`, with `IApiRequest` (the raw
        /// body base64 in `rawBody`) and `IApiEndpointInfo`. Answers `{value}` holding `IApiResponse`.
        case api(path: String, method: String, request: JSONValue, endpoint: JSONValue)
        /// A UIKit interaction handler (`executeBlockActionHandler`, ...) with the interaction data. Answers `{value}`
        /// holding the `IUIKitResponse`.
        case uikit(method: String, data: JSONValue)
        /// A scheduler processor with its job context (the job's data plus `jobId`). Answers `{value}`.
        case job(processor: String, context: JSONValue)
        /// Load `mainFile` and construct its first exported class with the manifest (as JSON). `privateHash` is the
        /// secret part of the app's private endpoint URLs (`getAccessors().providedApiEndpoints`). Answers ``Constructed``.
        case construct(info: JSONValue, mainFile: String, privateHash: String?)
        /// `initialize` → `extendConfiguration`; answers ``Registrations``.
        case initialize
        /// A lifecycle method with the Apps-Engine arguments built app-side. Answers `{value}`.
        case lifecycle(method: LifecycleMethod, context: JSONValue?, setting: JSONValue?)

        /// The message as the app side reads it: `{"type": ..., ...fields}`.
        public var json: JSONValue {
            var fields: [String: JSONValue]
            switch self {
            case .construct(let info, let mainFile, let privateHash):
                fields = ["type": "construct", "info": info, "mainFile": .string(mainFile), "privateHash": privateHash.map(JSONValue.string) ?? .null]
            case .initialize: fields = ["type": "initialize"]
            case .command(let name, let method, let context, let item):
                fields = ["type": "command", "name": .string(name), "method": .string(method), "context": context]
                if let item { fields["item"] = item }
            case .uikit(let method, let data): fields = ["type": "uikit", "method": .string(method), "context": data]
            case .job(let processor, let context): fields = ["type": "job", "processor": .string(processor), "context": context]
            case .api(let path, let method, let request, let endpoint):
                fields = ["type": "api", "path": .string(path), "method": .string(method), "request": request, "endpoint": endpoint]
            case .hook(let method, let args): fields = ["type": "hook", "method": .string(method), "args": .array(args)]
            case .lifecycle(let method, let context, let setting):
                fields = ["type": "lifecycle", "method": .string(method.rawValue)]
                if let context { fields["context"] = context }
                if let setting { fields["setting"] = setting }
            }
            return .object(fields)
        }
    }

    /// A request with its id: `{"id": n, "type": ..., ...}`. In-process it reaches the VM as values (no JSON text);
    /// the worker transport will encode the same tree.
    public struct Envelope: Sendable {
        public var id: UInt64
        public var request: Request

        public init(id: UInt64, request: Request) {
            self.id = id
            self.request = request
        }

        public var json: JSONValue {
            guard case .object(var fields) = request.json else { return request.json }
            fields["id"] = .number(Double(id))
            return .object(fields)
        }
    }

    /// What an accessor request belonging to a timed-out call receives: the engine gave up on the call, so nothing
    /// it asks for happens any more.
    public static let expiredCall = HostError(name: "Error", message: "The call this request belongs to timed out; nothing it asks for happens any more")

    /// A reply's `result` as one of the typed answers (``Constructed``, ``Registrations``).
    static func decode<Answer: Decodable>(_ type: Answer.Type, from result: JSONValue) throws -> Answer {
        try JSONDecoder().decode(Answer.self, from: JSONEncoder().encode(result))
    }

    /// Apps-Engine lifecycle methods (`AppMethod`).
    public enum LifecycleMethod: String, Sendable, CaseIterable {
        case onEnable, onDisable, onInstall, onUninstall, onUpdate, onSettingUpdated, onPreSettingUpdate
    }

    /// The answer to `construct`.
    public struct Constructed: Sendable, Decodable, Equatable {
        public var className: String
        /// Methods the main class defines (listener registration falls back to these when `implements` is empty).
        public var methods: [String]
    }

    /// What `extendConfiguration` registered, as data (the objects stay in the VM).
    public struct Registrations: Sendable, Codable, Equatable {
        public var settings: [JSONValue]
        public var slashCommands: [JSONValue]
        public var apis: [JSONValue]
        public var processors: [JSONValue]
        public var buttons: [JSONValue]

        public init(settings: [JSONValue] = [], slashCommands: [JSONValue] = [], apis: [JSONValue] = [], processors: [JSONValue] = [], buttons: [JSONValue] = []) {
            self.settings = settings
            self.slashCommands = slashCommands
            self.apis = apis
            self.processors = processors
            self.buttons = buttons
        }
    }
}
