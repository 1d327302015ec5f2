import AppsRuntime
public import ChatCore
import AppsPackage
import Foundation
import JavaScriptRuntime
import Metrics
import Synchronization

/// The apps engine's side of the chat core's hook port. Messages: `IPreMessageSentPrevent` → `Extend` → `Modify`
/// before a message is stored (the same for updates; deletes have a prevent), `IPostMessageSent`,
/// `IPostMessageSentToBot`, `IPostMessageUpdated`, `IPostMessageDeleted`, `IPostMessageReacted` after. Rooms,
/// membership and users: `IPreRoomCreatePrevent` → `Extend` → `Modify`, the other prevent handlers
/// (`IPreRoomDeletePrevent`, `IPreRoomUserJoined`, `IPreRoomUserLeave`) and post handlers.
///
/// Apps run in enable order; an optional `check…` handler answering false skips the app. The first prevent answering
/// true refuses the message; extend and modify results thread through the apps and the core validates the outcome
/// again. An `AppsEngineException` refuses with the app's own message. Any other failure or timeout **fails open**:
/// the event goes on, the failure is in the app's log and stats. Post handlers run on a bounded queue per app, in
/// event order, never delaying the sender (overflow is dropped, counted and logged). Messages an app writes from a
/// handler carry a depth (how many app-written messages led to them); at ``maxDepth`` their events are not delivered
/// to apps (the loop of an app answering its own replies ends there, with an error in its log).
public final class AppHookDispatcher: HookPipeline {
    /// The Apps-Engine events Airlock delivers (`AppInterface` names): the dispatcher's, and the UIKit interactions
    /// ``AppInteractions`` delivers. The SDK coverage table reads it; delivering an event not listed trips an assertion.
    public static let delivered: Set<String> = [
        "IPreMessageSentPrevent", "IPreMessageSentExtend", "IPreMessageSentModify", "IPostMessageSent", "IPostMessageSentToBot",
        "IPostSystemMessageSent", "IPreMessageUpdatedPrevent", "IPreMessageUpdatedExtend", "IPreMessageUpdatedModify",
        "IPostMessageUpdated", "IPreMessageDeletePrevent", "IPostMessageDeleted", "IPostMessageReacted", "IPreRoomCreatePrevent",
        "IPreRoomCreateExtend", "IPreRoomCreateModify", "IPostRoomCreate", "IPreRoomDeletePrevent", "IPostRoomDeleted",
        "IPreRoomUserJoined", "IPostRoomUserJoined", "IPreRoomUserLeave", "IPostRoomUserLeave", "IPostUserCreated",
        "IPostUserUpdated", "IPostUserDeleted", "IPostUserLoggedIn", "IPostUserLoggedOut", "IPostUserStatusChanged",
        "IUIKitInteractionHandler",
    ]

    public static let maxDepth = 3
    public static let queueLimit = 1_000

    let apps: EnabledApps
    let calls: AppCalls
    let log: any AppLog
    private let queues = Mutex<[String: AsyncStream<@Sendable () async -> Void>.Continuation]>([:])
    private let dropped = Mutex<[String: Int]>([:])
    private let droppedMetric = Counter(label: "airlock_apps_events_dropped_total")
    /// Depth of messages written by apps, by message id.
    private let depths = Mutex<[String: Int]>([:])
    /// Depth of the event each app's post handler is processing (its queue runs one at a time).
    private let activeDepth = Mutex<[String: Int]>([:])
    /// Post handlers queued or running, and who waits for there to be none.
    private let pending = Mutex<(count: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    init(apps: EnabledApps, calls: AppCalls) {
        self.apps = apps
        self.calls = calls
        self.log = calls.log
        // A disabled app's queue ends after the events already queued (their calls fail: the VM is stopped).
        apps.onRemove { [weak self] appId in self?.endQueue(appId) }
    }

    // MARK: Messages

    public func preMessageSent(_ message: Message, room: Room, sender: User) async -> HookDecision<Message> {
        await preMessage(message, room: room, sender: sender, event: "PreMessageSent", preventedCode: "error-app-prevented-sending",
                         preventedMessage: "A Rocket.Chat App prevented the message sending.")
    }

    /// The message keeps its author as `sender`; who edits it is `editor` (set on the message by the service).
    public func preMessageUpdated(_ message: Message, previous: Message, room: Room, editor: User) async -> HookDecision<Message> {
        await preMessage(message, room: room, sender: nil, event: "PreMessageUpdated", preventedCode: "error-app-prevented-updating",
                         preventedMessage: "A Rocket.Chat App prevented the message updating.")
    }

    public func preMessageDeleted(_ message: Message, room: Room, deleter: User) async -> HookDecision<Message> {
        let refusal: HookDecision<Message>? = await prevent(
            "IPreMessageDeletePrevent", "PreMessageDeletePrevent", [AppsEngineShapes.message(message, room: room, sender: nil)],
            code: "error-app-prevented-deleting",
            message: "A Rocket.Chat App prevented the message deleting.")
        return refusal ?? .proceed(message)
    }

    /// Prevent → extend → modify for a message event (`PreMessageSent`, `PreMessageUpdated`).
    private func preMessage(
        _ message: Message, room: Room, sender: User?, event: String, preventedCode: String, preventedMessage: String
    ) async -> HookDecision<Message> {
        if depth(of: message.id) >= Self.maxDepth { return .proceed(message) }
        return await preStages(
            event, message, shape: { AppsEngineShapes.message($0, room: room, sender: sender) }, apply: AppsEngineShapes.applyContent,
            preventedCode: preventedCode, preventedMessage: preventedMessage)
    }

    /// Prevent → extend → modify for one event (`PreMessageSent`, `PreMessageUpdated`, `PreRoomCreate`): `shape`
    /// turns the current value into what the app sees, `apply` takes back what an app may change.
    private func preStages<Value: Equatable>(
        _ event: String, _ value: Value, shape: (Value) -> JSONValue, apply: (JSONValue, Value) -> Value, preventedCode: String,
        preventedMessage: String
    ) async -> HookDecision<Value> {
        let interfaces = ["I\(event)Prevent", "I\(event)Extend", "I\(event)Modify"]
        if let refusal: HookDecision<Value> = essentialLock(Set(interfaces)) { return refusal }
        let targets = apps.snapshot()
        guard targets.contains(where: { target in interfaces.contains(where: target.implemented.contains) }) else { return .proceed(value) }
        var current = value
        // Shaped once, and again only after an app changed the value (shaping showed in server profiles).
        var shaped = shape(current)
        let refusal: HookDecision<Value>? = await prevent(
            interfaces[0], "\(event)Prevent", [shaped], code: preventedCode, message: preventedMessage)
        if let refusal { return refusal }
        for (interface, name) in [(interfaces[1], "\(event)Extend"), (interfaces[2], "\(event)Modify")] {
            for target in targets where target.implemented.contains(interface) {
                switch await handle(target, name, [shaped]) {
                case .answered(let answer):
                    let changed = apply(answer, current)
                    if changed != current {
                        current = changed
                        shaped = shape(current)
                    }
                case .refused(let reason): return .refuse(code: "error-app-prevented", message: reason)
                case .failed where target.essentials.contains(interface): return Self.essentialFailure(target, interface)
                case .skipped, .failed: continue
                }
            }
        }
        return .proceed(current)
    }

    /// Runs `interface`'s prevent handlers in enable order: the first answering true refuses with `code`; an
    /// `AppsEngineException` refuses with the app's message; failures fail open. Nil: go on.
    /// `args` is built only when an app listens, so events nobody handles cost no shaping.
    private func prevent<Value>(
        _ interface: String, _ event: String, _ args: @autoclosure () -> [JSONValue], code: String, message: String
    ) async -> HookDecision<Value>? {
        if let refusal: HookDecision<Value> = essentialLock([interface]) { return refusal }
        let targets = apps.snapshot().filter { $0.implemented.contains(interface) }
        guard !targets.isEmpty else { return nil }
        let args = args()
        for target in targets {
            switch await handle(target, event, args) {
            case .answered(let value) where value == .bool(true): return .refuse(code: code, message: message)
            case .refused(let reason): return .refuse(code: "error-app-prevented", message: reason)
            case .failed where target.essentials.contains(interface): return Self.essentialFailure(target, interface)
            default: continue
            }
        }
        return nil
    }

    /// `essentials`: while an installed app listing one of `interfaces` is not enabled, the event is refused.
    private func essentialLock<Value>(_ interfaces: Set<String>) -> HookDecision<Value>? {
        guard let name = apps.lockingApp(interfaces) else { return nil }
        return .refuse(code: "error-app-essential-disabled", message: "The app \(name) is essential for this action and is not enabled.")
    }

    /// Airlock's addition to `essentials`: a failure or timeout of the essential app on the event refuses it too.
    static func essentialFailure<Value>(_ target: EnabledApps.Target, _ interface: String) -> HookDecision<Value> {
        .refuse(code: "error-app-essential-failed", message: "The app \(target.instance.manifest.name), essential for \(interface), failed; the action was refused.")
    }

    public func postMessageSent(_ message: Message, room: Room, sender: User) {
        let depth = depth(of: message.id)
        post("IPostMessageSent", "executePostMessageSent", depth: depth) { _ in
            [AppsEngineShapes.message(message, room: room, sender: sender)]
        }
    }

    public func postUserStatusChanged(_ user: User, previousStatus: String) {
        post("IPostUserStatusChanged", "executePostUserStatusChanged", depth: 0) { _ in
            [["user": AppsEngineShapes.user(user), "currentStatus": .string(user.status ?? "online"), "previousStatus": .string(previousStatus)]]
        }
    }

    public func postSystemMessageSent(_ message: Message, room: Room, sender: User) {
        post("IPostSystemMessageSent", "executePostSystemMessageSent", depth: depth(of: message.id)) { _ in
            [AppsEngineShapes.message(message, room: room, sender: sender)]
        }
    }

    public func postMessageSentToBot(_ message: Message, room: Room, sender: User, bot: User) {
        let depth = depth(of: message.id)
        post("IPostMessageSentToBot", "executePostMessageSentToBot", depth: depth, only: { $0.botUsername == bot.username }) { _ in
            [AppsEngineShapes.message(message, room: room, sender: sender)]
        }
    }

    public func postMessageUpdated(_ message: Message, room: Room, editor: User) {
        post("IPostMessageUpdated", "executePostMessageUpdated", depth: depth(of: message.id)) { _ in
            [AppsEngineShapes.message(message, room: room, sender: nil)]
        }
    }

    public func postMessageDeleted(_ message: Message, room: Room, deleter: User) {
        post("IPostMessageDeleted", "executePostMessageDeleted", depth: 0) { _ in
            [AppsEngineShapes.message(message, room: room, sender: nil)]
        }
    }

    public func postMessageReacted(_ message: Message, reaction: String, added: Bool, user: User) {
        post("IPostMessageReacted", "executePostMessageReacted", depth: 0) { _ in
            [["user": AppsEngineShapes.user(user), "message": AppsEngineShapes.message(message, room: Self.roomStub(message.roomId), sender: nil),
              "reaction": .string(reaction), "isReacted": .bool(added)]]
        }
    }

    // MARK: Rooms, membership, users

    /// Prevent → extend (custom fields, members) → modify (read-only, default, custom fields, members). The room
    /// apps see lists the creator and the members being added in `usernames`; names they add become members.
    public func preRoomCreated(_ room: Room, creator: User, members: [User]) async -> HookDecision<Room> {
        var withMembers = room
        withMembers.usernames = [creator.username] + members.map(\.username)
        return await preStages(
            "PreRoomCreate", withMembers, shape: AppsEngineShapes.room, apply: AppsEngineShapes.applyRoom, preventedCode: "error-app-prevented",
            preventedMessage: "A Rocket.Chat App prevented the room creation.")
    }

    public func postRoomCreated(_ room: Room, creator: User) {
        post("IPostRoomCreate", "executePostRoomCreate", depth: 0) { _ in [AppsEngineShapes.room(room)] }
    }

    public func preRoomDeleted(_ room: Room, deleter: User) async -> HookDecision<Room> {
        await prevent("IPreRoomDeletePrevent", "PreRoomDeletePrevent", [AppsEngineShapes.room(room)], code: "error-app-prevented",
                      message: "A Rocket.Chat App prevented the room deletion.") ?? .proceed(room)
    }

    public func postRoomDeleted(_ room: Room, deleter: User) {
        post("IPostRoomDeleted", "executePostRoomDeleted", depth: 0) { _ in [AppsEngineShapes.room(room)] }
    }

    /// `IPreRoomUserJoined` refuses by throwing (`UserNotAllowedException`), as in Rocket.Chat.
    public func preUserJoiningRoom(_ room: Room, user: User, inviter: User?) async -> HookDecision<Room> {
        await prevent(
            "IPreRoomUserJoined", "PreRoomUserJoined", [Self.membership(room, user: user, other: inviter, userKey: "joiningUser", otherKey: "inviter")],
            code: "error-app-prevented",
            message: "A Rocket.Chat App prevented the user from joining.") ?? .proceed(room)
    }

    public func postUserJoinedRoom(_ room: Room, user: User, inviter: User?) {
        post("IPostRoomUserJoined", "executePostRoomUserJoined", depth: 0) { _ in
            [Self.membership(room, user: user, other: inviter, userKey: "joiningUser", otherKey: "inviter")]
        }
    }

    public func preUserLeavingRoom(_ room: Room, user: User, remover: User?) async -> HookDecision<Room> {
        await prevent(
            "IPreRoomUserLeave", "PreRoomUserLeave", [Self.membership(room, user: user, other: remover, userKey: "leavingUser", otherKey: "removedBy")],
            code: "error-app-prevented",
            message: "A Rocket.Chat App prevented the user from leaving.") ?? .proceed(room)
    }

    public func postUserLeftRoom(_ room: Room, user: User, remover: User?) {
        post("IPostRoomUserLeave", "executePostRoomUserLeave", depth: 0) { _ in
            [Self.membership(room, user: user, other: remover, userKey: "leavingUser", otherKey: "removedBy")]
        }
    }

    public func postUserCreated(_ user: User, by creator: User?) { postUser("IPostUserCreated", user, by: creator) }
    public func postUserUpdated(_ user: User, by editor: User?) { postUser("IPostUserUpdated", user, by: editor) }
    public func postUserDeleted(_ user: User, by deleter: User?) { postUser("IPostUserDeleted", user, by: deleter) }

    public func postUserLoggedIn(_ user: User) {
        post("IPostUserLoggedIn", "executePostUserLoggedIn", depth: 0) { _ in [AppsEngineShapes.user(user)] }
    }

    public func postUserLoggedOut(_ user: User) {
        post("IPostUserLoggedOut", "executePostUserLoggedOut", depth: 0) { _ in [AppsEngineShapes.user(user)] }
    }

    /// `IUserContext`: `{user, performedBy}`.
    private func postUser(_ interface: String, _ user: User, by actor: User?) {
        post(interface, "execute" + interface.dropFirst(), depth: 0) { _ in
            var context: [String: JSONValue] = ["user": AppsEngineShapes.user(user)]
            if let actor { context["performedBy"] = AppsEngineShapes.user(actor) }
            return [.object(context)]
        }
    }

    static func membership(_ room: Room, user: User, other: User?, userKey: String, otherKey: String) -> JSONValue {
        var context: [String: JSONValue] = ["room": AppsEngineShapes.room(room), userKey: AppsEngineShapes.user(user)]
        if let other { context[otherKey] = AppsEngineShapes.user(other) }
        return .object(context)
    }

    /// A room known only by id (reaction events do not carry the room record).
    static func roomStub(_ id: String) -> Room {
        Room(id: id, type: .channel, name: nil, creator: nil, createdAt: Date(timeIntervalSince1970: 0))
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

    // MARK: Calling apps

    static let preMessageInterfaces: Set<String> = ["IPreMessageSentPrevent", "IPreMessageSentExtend", "IPreMessageSentModify"]

    enum Outcome {
        case answered(JSONValue)
        case skipped
        case refused(String)
        case failed
    }

    /// `check<Event>` (when the app defines it) then `execute<Event>`, with the app's pre-hook budget unless `pre` is
    /// false (post events).
    private func handle(_ target: EnabledApps.Target, _ event: String, _ args: [JSONValue], pre: Bool = true) async -> Outcome {
        assert(Self.delivered.contains("I" + event), "I\(event) is delivered but not listed in AppHookDispatcher.delivered")
        do {
            if target.methods.contains("check\(event)") {
                let check = try await calls.run(target.appId, "check\(event)", logSuccess: false) {
                    try await target.instance.hook("check\(event)", args: args, pre: pre)
                }
                if check == .bool(false) { return .skipped }
            }
            return .answered(
                try await calls.run(target.appId, "execute\(event)", logSuccess: false) {
                    try await target.instance.hook("execute\(event)", args: args, pre: pre)
                })
        } catch let refusal as AppRefusal {
            return .refused(refusal.message)
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
                log.log(
                    appId: target.appId, level: "error", method: method,
                    message: "Hook depth limit (\(Self.maxDepth)) reached: a chain of \(depth) app-written messages; events not delivered")
                continue
            }
            let event = String(method.dropFirst("execute".count))
            enqueue(target.appId, method) { [self] in
                activeDepth.withLock { $0[target.appId] = depth }
                defer { activeDepth.withLock { $0[target.appId] = nil } }
                _ = await handle(target, event, args(target), pre: false)
            }
        }
    }

    private func endQueue(_ appId: String) {
        queues.withLock { $0.removeValue(forKey: appId) }?.finish()
    }

    /// Returns once no post handler is queued or running (tests await this instead of sleeping).
    public func idle() async {
        await withCheckedContinuation { continuation in
            let done = pending.withLock { state -> Bool in
                guard state.count > 0 else { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func finished() {
        let waiters = pending.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func enqueue(_ appId: String, _ method: String, _ job: @escaping @Sendable () async -> Void) {
        let continuation = queues.withLock { queues in
            if let existing = queues[appId] { return existing }
            let (stream, continuation) = AsyncStream<@Sendable () async -> Void>.makeStream(bufferingPolicy: .bufferingOldest(Self.queueLimit))
            queues[appId] = continuation
            Task { for await job in stream { await job() } }
            return continuation
        }
        pending.withLock { $0.count += 1 }
        let counted: @Sendable () async -> Void = { [weak self] in
            await job()
            self?.finished()
        }
        let result = continuation.yield(counted)
        if case .enqueued = result { return }
        finished()
        if case .dropped = result {
            droppedMetric.increment()
            let count = dropped.withLock { dropped in
                dropped[appId, default: 0] += 1
                return dropped[appId] ?? 0
            }
            log.log(appId: appId, level: "error", method: method, message: "Event queue full (\(Self.queueLimit)): event dropped (\(count) so far)")
        }
    }
}
