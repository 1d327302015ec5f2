public import ChatCore
import Foundation
import JavaScriptRuntime
import Synchronization

/// The apps engine's side of the chat core's hook port, for message events: `IPreMessageSentPrevent` →
/// `IPreMessageSentExtend` → `IPreMessageSentModify` before a message is stored, `IPostMessageSent` and
/// `IPostMessageSentToBot` after.
///
/// Apps run in enable order; an optional `check…` handler answering false skips the app. The first prevent answering
/// true refuses the message; extend and modify results thread through the apps and the core validates the outcome
/// again. An `AppsEngineException` refuses with the app's own message. Any other failure or timeout **fails open**:
/// the event goes on, the failure is in the app's log and stats. Post handlers run on a bounded queue per app, in
/// event order, never delaying the sender (overflow is dropped, counted and logged). Messages an app writes from a
/// handler carry a depth (how many app-written messages led to them); at ``maxDepth`` their events are not delivered
/// to apps (the loop of an app answering its own replies ends there, with an error in its log).
///
/// Events other than message sending are not delivered to apps yet (those entry points keep the port's do-nothing
/// defaults).
public final class AppHookDispatcher: HookPipeline {
    public static let maxDepth = 3
    public static let queueLimit = 1_000

    let apps: EnabledApps
    let calls: AppCalls
    let host: any AppHost
    private let queues = Mutex<[String: AsyncStream<@Sendable () async -> Void>.Continuation]>([:])
    private let dropped = Mutex<[String: Int]>([:])
    /// Depth of messages written by apps, by message id.
    private let depths = Mutex<[String: Int]>([:])
    /// Depth of the event each app's post handler is processing (its queue runs one at a time).
    private let activeDepth = Mutex<[String: Int]>([:])

    public init(manager: AppManager) {
        self.apps = manager.enabled
        self.calls = manager.calls
        self.host = manager.host
        // A disabled app's queue ends after the events already queued (their calls fail: the VM is stopped).
        apps.onRemove { [weak self] appId in self?.endQueue(appId) }
    }

    // MARK: Messages

    public func preMessageSent(_ message: Message, room: Room, sender: User) async -> HookDecision<Message> {
        let targets = apps.snapshot()
        guard targets.contains(where: { !$0.implemented.isDisjoint(with: Self.preMessageInterfaces) }) else { return .proceed(message) }
        if depth(of: message.id) >= Self.maxDepth { return .proceed(message) }
        var current = message
        for target in targets where target.implemented.contains("IPreMessageSentPrevent") {
            let shape = AppsEngineShapes.message(current, room: room, sender: sender)
            switch await handle(target, "PreMessageSentPrevent", [shape]) {
            case .answered(let value) where value == .bool(true):
                return .refuse(code: "error-app-prevented-sending", message: "A Rocket.Chat App prevented the message sending.")
            case .refused(let reason):
                return .refuse(code: "error-app-prevented", message: reason)
            default: continue
            }
        }
        for (interface, name) in [("IPreMessageSentExtend", "PreMessageSentExtend"), ("IPreMessageSentModify", "PreMessageSentModify")] {
            for target in targets where target.implemented.contains(interface) {
                let shape = AppsEngineShapes.message(current, room: room, sender: sender)
                switch await handle(target, name, [shape]) {
                case .answered(let value): current = AppsEngineShapes.applyContent(of: value, to: current)
                case .refused(let reason): return .refuse(code: "error-app-prevented", message: reason)
                case .skipped, .failed: continue
                }
            }
        }
        return .proceed(current)
    }

    public func postMessageSent(_ message: Message, room: Room, sender: User) {
        let depth = depth(of: message.id)
        post("IPostMessageSent", "executePostMessageSent", depth: depth) { _ in
            [AppsEngineShapes.message(message, room: room, sender: sender)]
        }
    }

    public func postMessageSentToBot(_ message: Message, room: Room, sender: User, bot: User) {
        let depth = depth(of: message.id)
        post("IPostMessageSentToBot", "executePostMessageSentToBot", depth: depth, only: { $0.botUsername == bot.username }) { _ in
            [AppsEngineShapes.message(message, room: room, sender: sender)]
        }
    }

    // MARK: Depth of app-written messages

    /// Records that `messageId` is being written by `appId` from one of its handlers.
    func recordAppMessage(_ messageId: String, by appId: String) {
        let depth = activeDepth.withLock { $0[appId] ?? 0 } + 1
        depths.withLock { depths in
            // Only app-written messages are tracked, and only while their events run: a bound keeps it small.
            if depths.count >= 10_000 { depths.removeAll(keepingCapacity: true) }
            depths[messageId] = depth
        }
    }

    private func depth(of messageId: String) -> Int {
        depths.withLock { $0[messageId] ?? 0 }
    }

    /// Post handlers' overflow, per app.
    public func droppedEvents(appId: String) -> Int {
        dropped.withLock { $0[appId] ?? 0 }
    }

    // MARK: Calling apps

    static let preMessageInterfaces: Set<String> = ["IPreMessageSentPrevent", "IPreMessageSentExtend", "IPreMessageSentModify"]

    enum Outcome {
        case answered(JSONValue)
        case skipped
        case refused(String)
        case failed
    }

    /// `check<Event>` (when the app defines it) then `execute<Event>`, with the pre-hook budget.
    private func handle(_ target: EnabledApps.Target, _ event: String, _ args: [JSONValue], budget: CallBudget = .preHook) async -> Outcome {
        do {
            if target.methods.contains("check\(event)") {
                let check = try await calls.run(target.appId, "check\(event)", logSuccess: false) {
                    try await target.instance.hook("check\(event)", args: args, budget: budget)
                }
                if check == .bool(false) { return .skipped }
            }
            return .answered(
                try await calls.run(target.appId, "execute\(event)", logSuccess: false) {
                    try await target.instance.hook("execute\(event)", args: args, budget: budget)
                })
        } catch let error as JavaScriptError where error.kind == .thrown && AppCalls.refusals.contains(error.name) {
            return .refused(error.message)
        } catch {
            return .failed
        }
    }

    /// Queues a post handler for every enabled app implementing `interface` (and matching `only`).
    private func post(
        _ interface: String, _ method: String, depth: Int, only: (EnabledApps.Target) -> Bool = { _ in true },
        args: @escaping @Sendable (EnabledApps.Target) -> [JSONValue]
    ) {
        for target in apps.snapshot() where target.implemented.contains(interface) && only(target) {
            guard depth < Self.maxDepth else {
                host.log(
                    appId: target.appId, level: "error", method: method,
                    message: "Hook depth limit (\(Self.maxDepth)) reached: a chain of \(depth) app-written messages; events not delivered")
                continue
            }
            let event = String(method.dropFirst("execute".count))
            enqueue(target.appId, method) { [self] in
                activeDepth.withLock { $0[target.appId] = depth }
                defer { activeDepth.withLock { $0[target.appId] = nil } }
                _ = await handle(target, event, args(target), budget: .standard)
            }
        }
    }

    private func endQueue(_ appId: String) {
        queues.withLock { $0.removeValue(forKey: appId) }?.finish()
    }

    private func enqueue(_ appId: String, _ method: String, _ job: @escaping @Sendable () async -> Void) {
        let continuation = queues.withLock { queues in
            if let existing = queues[appId] { return existing }
            let (stream, continuation) = AsyncStream<@Sendable () async -> Void>.makeStream(bufferingPolicy: .bufferingOldest(Self.queueLimit))
            queues[appId] = continuation
            Task { for await job in stream { await job() } }
            return continuation
        }
        if case .dropped = continuation.yield(job) {
            let count = dropped.withLock { dropped in
                dropped[appId, default: 0] += 1
                return dropped[appId] ?? 0
            }
            host.log(appId: appId, level: "error", method: method, message: "Event queue full (\(Self.queueLimit)): event dropped (\(count) so far)")
        }
    }
}
