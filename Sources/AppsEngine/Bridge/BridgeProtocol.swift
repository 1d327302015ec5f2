public import AppsPackage
public import ChatCore
import Foundation

/// The messages between the engine and an app's VM (the JavaScript half is `AppsSDK/runtime/bridge.js`).
///
/// Hook calls join these messages with the next issue.
///
/// Every request carries an `id` its reply echoes (``Envelope``, ``Reply``; accessor calls carry the app side's own
/// ids). In-process they travel through `JavaScriptVM.callEntry("dispatch", ...)` (engine → app) and the
/// `accessor`/`log` host functions (app → engine); the worker-process runtime will carry the same JSON over a socket
/// and match replies by id. No message carries the caller's identity: the host knows which app is calling from the VM
/// (later: the worker) the message came from.
public enum BridgeProtocol {
    /// Engine → app.
    public enum Request: Sendable, Encodable {
        /// An event handler (`checkPreMessageSentPrevent`, `executePostMessageSent`, ...) with its event arguments;
        /// the app side adds the accessors (read, http, persistence, modify; an extender or builder where the
        /// Apps-Engine passes one). Answers ``HookResult``.
        case hook(method: String, args: [JSONValue])
        /// A slash command's `executor`, `previewer` or `executePreviewItem` with the `SlashCommandContext` fields
        /// (`sender`, `room`, `params`, `threadId`, `triggerId`) and, for a preview item, the item. Answers ``HookResult``.
        case command(name: String, method: String, context: JSONValue, item: JSONValue?)
        /// An app HTTP endpoint's handler (`get`, `post`, ...) for the registered `path`, with `IApiRequest` (the raw
        /// body base64 in `rawBody`) and `IApiEndpointInfo`. Answers ``HookResult`` holding `IApiResponse`.
        case api(path: String, method: String, request: JSONValue, endpoint: JSONValue)
        /// A UIKit interaction handler (`executeBlockActionHandler`, ...) with the interaction data. Answers
        /// ``HookResult`` holding the `IUIKitResponse`.
        case uikit(method: String, data: JSONValue)
        /// A scheduler processor with its job context (the job's data plus `jobId`). Answers ``HookResult``.
        case job(processor: String, context: JSONValue)
        /// Load `mainFile` and construct its first exported class with the manifest.
        case construct(info: AppManifest, mainFile: String)
        /// `initialize` → `extendConfiguration`; answers ``Registrations``.
        case initialize
        /// A lifecycle method with the Apps-Engine arguments built app-side.
        case lifecycle(method: LifecycleMethod, context: JSONValue?, setting: JSONValue?)

        private enum Keys: String, CodingKey {
            case type, info, mainFile, method, context, setting, args, name, item, path, request, endpoint, processor
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            switch self {
            case .construct(let info, let mainFile):
                try c.encode("construct", forKey: .type)
                try c.encode(info, forKey: .info)
                try c.encode(mainFile, forKey: .mainFile)
            case .initialize:
                try c.encode("initialize", forKey: .type)
            case .command(let name, let method, let context, let item):
                try c.encode("command", forKey: .type)
                try c.encode(name, forKey: .name)
                try c.encode(method, forKey: .method)
                try c.encode(context, forKey: .context)
                try c.encodeIfPresent(item, forKey: .item)
            case .uikit(let method, let data):
                try c.encode("uikit", forKey: .type)
                try c.encode(method, forKey: .method)
                try c.encode(data, forKey: .context)
            case .job(let processor, let context):
                try c.encode("job", forKey: .type)
                try c.encode(processor, forKey: .processor)
                try c.encode(context, forKey: .context)
            case .api(let path, let method, let request, let endpoint):
                try c.encode("api", forKey: .type)
                try c.encode(path, forKey: .path)
                try c.encode(method, forKey: .method)
                try c.encode(request, forKey: .request)
                try c.encode(endpoint, forKey: .endpoint)
            case .hook(let method, let args):
                try c.encode("hook", forKey: .type)
                try c.encode(method, forKey: .method)
                try c.encode(args, forKey: .args)
            case .lifecycle(let method, let context, let setting):
                try c.encode("lifecycle", forKey: .type)
                try c.encode(method.rawValue, forKey: .method)
                try c.encodeIfPresent(context, forKey: .context)
                try c.encodeIfPresent(setting, forKey: .setting)
            }
        }
    }

    /// A request with its id: `{"id": n, "type": ..., ...}`.
    public struct Envelope: Sendable, Encodable {
        public var id: UInt64
        public var request: Request

        private enum Keys: String, CodingKey { case id }

        /// The worker transport (and benchmarks) build envelopes outside the engine.
        public init(id: UInt64, request: Request) {
            self.id = id
            self.request = request
        }

        public func encode(to encoder: any Encoder) throws {
            try request.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(id, forKey: .id)
        }
    }

    /// The app's answer to the request with the same id: `{"id": n, "result": ...}` (a failure is a JavaScript error).
    public struct Reply<Result: Decodable & Sendable>: Decodable, Sendable {
        public var id: UInt64
        public var result: Result
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

    /// The answer to `hook`: what the handler returned (a boolean for prevent/check, the message for extend/modify).
    public struct HookResult: Sendable, Decodable {
        public var value: JSONValue
    }

    /// The answer to `lifecycle`.
    public struct LifecycleResult: Sendable, Decodable {
        public var value: JSONValue
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

    /// App → engine: an accessor call (`settings.getValueById`, ...), with the app side's request id.
    public struct AccessorCall: Sendable, Decodable {
        public var id: UInt64
        public var name: String
        public var args: [JSONValue]
    }
}
