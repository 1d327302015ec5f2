import AirlockCrypto
import Foundation

/// Webhook integrations as admins manage them (`integrations.*`): who may (`manage-incoming-integrations`,
/// `manage-outgoing-integrations`), what a valid one is (a user to post as, rooms that exist, http(s) URLs, a script
/// of bounded size), and where an incoming hook's message goes.
public struct IntegrationService: Sendable {
    /// What a caller sets; nil leaves a field as it is on update.
    public struct Draft: Sendable {
        public var name: String?
        public var enabled: Bool?
        public var username: String?
        public var channels: [String]?
        public var alias: String?
        public var avatar: String?
        public var emoji: String?
        public var scriptEnabled: Bool?
        public var script: String?
        public var event: String?
        public var urls: [String]?
        public var triggerWords: [String]?
        public var triggerWordAnywhere: Bool?
        public var token: String?
        public var retryFailedCalls: Bool?
        public var retryCount: Int?
        public var retryDelay: Integration.RetryDelay?

        public init() {}
    }

    /// Longest script accepted.
    public static let maxScriptBytes = 64 << 10
    /// Rocket.Chat's watch-everything channel names for outgoing hooks.
    public static let allRooms: Set<String> = ["all_public_channels", "all_private_groups", "all_direct_messages"]

    let context: ChatContext

    public init(context: ChatContext) {
        self.context = context
    }

    static func permission(_ kind: Integration.Kind) -> Permission {
        kind == .incoming ? .manageIncomingIntegrations : .manageOutgoingIntegrations
    }

    public func create(_ kind: Integration.Kind, _ draft: Draft, by caller: User) async throws -> Integration {
        try context.policy.require(caller, Self.permission(kind))
        guard let name = draft.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw ChatError.invalidParams("Invalid name: the integration needs a name [error-invalid-name]")
        }
        let user = try await postingUser(draft.username)
        let now = context.clock.now()
        var integration = Integration(
            id: RandomID.make(), kind: kind, name: name, enabled: draft.enabled ?? true, user: UserRef(id: user.id, username: user.username, name: user.name),
            channels: [], token: RandomID.secret(bytes: 24), createdAt: now, createdBy: UserRef(id: caller.id, username: caller.username))
        if kind == .outgoing { integration.event = "sendMessage" }
        try await apply(draft, to: &integration)
        try await context.store.insertIntegration(integration)
        return integration
    }

    public func update(id: String, _ draft: Draft, by caller: User) async throws -> Integration {
        var integration = try await existing(id, caller: caller)
        if let username = draft.username, username != integration.user.username {
            let user = try await postingUser(username)
            integration.user = UserRef(id: user.id, username: user.username, name: user.name)
        }
        if let name = draft.name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { throw ChatError.invalidParams("Invalid name: the integration needs a name [error-invalid-name]") }
            integration.name = trimmed
        }
        try await apply(draft, to: &integration)
        integration.updatedAt = context.clock.now()
        try await context.store.updateIntegration(integration)
        return integration
    }

    public func remove(id: String, by caller: User) async throws -> Integration {
        let integration = try await existing(id, caller: caller)
        _ = try await context.store.deleteIntegration(id: id)
        return integration
    }

    public func get(id: String, by caller: User) async throws -> Integration {
        try await existing(id, caller: caller)
    }

    /// The integrations the caller may manage, oldest first.
    public func list(page: PageRequest, by caller: User) async throws -> Page<Integration> {
        let kinds = Integration.Kind.allCases.filter { context.policy.allows(caller, Self.permission($0)) }
        guard !kinds.isEmpty else { throw ChatError.unauthorized() }
        let all = try await context.store.integrations(page: PageRequest(offset: 0, count: 10_000))
        let visible = all.items.filter { kinds.contains($0.kind) }
        return Page(items: Array(visible.dropFirst(page.offset).prefix(page.count)), total: visible.count)
    }

    /// An integration the caller may manage; one they may not see answers like one that does not exist.
    private func existing(_ id: String, caller: User) async throws -> Integration {
        guard let integration = try await context.store.integration(id: id), context.policy.allows(caller, Self.permission(integration.kind)) else {
            if Integration.Kind.allCases.allSatisfy({ !context.policy.allows(caller, Self.permission($0)) }) { throw ChatError.unauthorized() }
            throw ChatError(.notFound, code: "error-invalid-integration", message: "No integration found")
        }
        return integration
    }

    private func postingUser(_ username: String?) async throws -> User {
        let name = (username ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "@", with: "")
        guard !name.isEmpty, let user = try await context.store.user(username: name), user.active else {
            throw ChatError.invalidParams("Invalid user \"\(name)\": messages are posted as an existing user [error-invalid-user]")
        }
        return user
    }

    private func apply(_ draft: Draft, to integration: inout Integration) async throws {
        if let enabled = draft.enabled { integration.enabled = enabled }
        if let alias = draft.alias { integration.alias = alias.isEmpty ? nil : String(alias.prefix(100)) }
        if let avatar = draft.avatar { integration.avatar = avatar.isEmpty ? nil : avatar }
        if let emoji = draft.emoji { integration.emoji = emoji.isEmpty ? nil : emoji }
        if let scriptEnabled = draft.scriptEnabled { integration.scriptEnabled = scriptEnabled }
        if let script = draft.script {
            guard script.utf8.count <= Self.maxScriptBytes else {
                throw ChatError.invalidParams("The script is longer than \(Self.maxScriptBytes) bytes [error-invalid-script]")
            }
            integration.script = script
        }
        if let channels = draft.channels { integration.channels = try await validChannels(channels, kind: integration.kind) }
        if integration.kind == .incoming, integration.channels.count != 1 {
            throw ChatError.invalidParams("Invalid channel: an incoming webhook posts to one #room or @user [error-invalid-channel]")
        }
        guard integration.kind == .outgoing else { return }
        if let event = draft.event {
            guard event == "sendMessage" else {
                throw ChatError.invalidParams("Invalid event \"\(event)\": only sendMessage is supported [error-invalid-event]")
            }
            integration.event = event
        }
        if let urls = draft.urls {
            let cleaned = urls.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            for url in cleaned {
                guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                    throw ChatError.invalidParams("Invalid URL \"\(url)\" [error-invalid-urls]")
                }
            }
            integration.urls = cleaned
        }
        guard !integration.urls.isEmpty else { throw ChatError.invalidParams("An outgoing webhook needs at least one URL [error-invalid-urls]") }
        if let words = draft.triggerWords { integration.triggerWords = words.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if let anywhere = draft.triggerWordAnywhere { integration.triggerWordAnywhere = anywhere }
        if let token = draft.token, !token.isEmpty { integration.token = token }
        if let retry = draft.retryFailedCalls { integration.retryFailedCalls = retry }
        if let count = draft.retryCount {
            guard (0...10).contains(count) else { throw ChatError.invalidParams("retryCount must be 0 to 10") }
            integration.retryCount = count
        }
        if let delay = draft.retryDelay { integration.retryDelay = delay }
    }

    /// `#room` (must exist) or `@user` (must exist); outgoing hooks also take Rocket.Chat's `all_*` names.
    private func validChannels(_ channels: [String], kind: Integration.Kind) async throws -> [String] {
        var valid: [String] = []
        for raw in channels {
            let channel = raw.trimmingCharacters(in: .whitespaces)
            guard !channel.isEmpty else { continue }
            if kind == .outgoing, Self.allRooms.contains(channel) {
                valid.append(channel)
            } else if channel.hasPrefix("#"), try await context.store.room(name: String(channel.dropFirst())) != nil {
                valid.append(channel)
            } else if channel.hasPrefix("@"), try await context.store.user(username: String(channel.dropFirst())) != nil {
                valid.append(channel)
            } else {
                throw ChatError.invalidParams("Invalid channel \"\(channel)\": use #room or @user of an existing room or user [error-invalid-channel]")
            }
        }
        return valid
    }

    /// The room an incoming hook's message goes to: its `#room`, or the direct room between its user and `@user`
    /// (created when needed); `override` is a payload's `channel`, which Rocket.Chat lets the poster choose.
    public func target(of integration: Integration, override: String?) async throws -> (Room, User) {
        guard let poster = try await context.store.user(id: integration.user.id), poster.active else {
            throw ChatError.invalidParams("The integration's user no longer exists [error-invalid-user]")
        }
        let channel = (override?.isEmpty == false ? override : integration.channels.first) ?? ""
        if channel.hasPrefix("@") {
            let room = try await RoomService(context: context).createDirect(with: [String(channel.dropFirst())], by: .integration(id: integration.id, user: poster))
            return (room, poster)
        }
        let name = channel.hasPrefix("#") ? String(channel.dropFirst()) : channel
        guard let room = try await context.store.room(name: name) else { throw ChatError.roomNotFound("Invalid channel \(channel)") }
        // The configured room was checked by the admin who set it; a room the poster names must be public or
        // one its user belongs to.
        if override?.isEmpty == false, room.type != .channel, try await context.store.subscription(roomId: room.id, userId: poster.id) == nil {
            throw ChatError.roomNotFound("Invalid channel \(channel)")
        }
        return (room, poster)
    }
}
