import AirlockCrypto
import Foundation

/// User accounts: creation, lookup, listing, updates, deletion and the first-run admin.
public struct UserService: Sendable {
    /// Fields of `users.create`.
    public struct NewUser: Sendable {
        public var username: String
        public var name: String
        public var email: String?
        /// Plaintext; `nil` for accounts that cannot log in (bots of apps).
        public var password: String?
        public var roles: [String]
        public var active: Bool
        public var verified: Bool
        public var type: UserType

        public init(
            username: String, name: String, email: String?, password: String?, roles: [String] = ["user"],
            active: Bool = true, verified: Bool = false, type: UserType = .user
        ) {
            self.username = username
            self.name = name
            self.email = email
            self.password = password
            self.roles = roles
            self.active = active
            self.verified = verified
            self.type = type
        }
    }

    /// Fields of `users.update`'s `data`; `nil` leaves a field unchanged.
    public struct Changes: Sendable {
        public var username: String?
        public var name: String?
        public var email: String?
        public var password: String?
        public var roles: [String]?
        public var active: Bool?
        /// What `users.setStatus` and apps' IUserUpdater change.
        public var status: String?
        public var statusText: String?
        public var bio: String?
        public var customFields: [String: JSONValue]?

        public init(
            username: String? = nil, name: String? = nil, email: String? = nil, password: String? = nil,
            roles: [String]? = nil, active: Bool? = nil, status: String? = nil, statusText: String? = nil, bio: String? = nil,
            customFields: [String: JSONValue]? = nil
        ) {
            self.username = username
            self.name = name
            self.email = email
            self.password = password
            self.roles = roles
            self.active = active
            self.status = status
            self.statusText = statusText
            self.bio = bio
            self.customFields = customFields
        }
    }

    /// Fields of `users.updateOwnBasicInfo`'s `data`; changing the email or the password needs `currentPassword`
    /// (the hex SHA-256 of the current password, as Rocket.Chat's clients send it).
    public struct OwnChanges: Sendable {
        public var username: String?
        public var name: String?
        public var email: String?
        public var newPassword: String?
        public var currentPassword: String?

        public init(username: String? = nil, name: String? = nil, email: String? = nil, newPassword: String? = nil, currentPassword: String? = nil) {
            self.username = username
            self.name = name
            self.email = email
            self.newPassword = newPassword
            self.currentPassword = currentPassword
        }
    }

    /// Global roles Airlock knows.
    public static let knownRoles: Set<String> = ["admin", "user", "bot", "app", "guest"]

    let context: ChatContext
    let hasher: PasswordHasher
    let auth: AuthService

    public init(context: ChatContext, hasher: PasswordHasher, auth: AuthService) {
        self.context = context
        self.hasher = hasher
        self.auth = auth
    }

    /// `users.create`: needs `create-user` unless `creator` is nil (server-internal creation).
    public func create(_ new: NewUser, by creator: User?) async throws -> User {
        if let creator { try context.policy.require(creator, .createUser) }
        guard Validation.isValidName(new.username) else {
            throw ChatError(.refused, code: "error-invalid-username", message: "Invalid username")
        }
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw ChatError.invalidParams("The 'name' param is required") }
        var emails: [Email] = []
        if let email = new.email {
            guard Validation.isValidEmail(email) else {
                throw ChatError(.refused, code: "error-invalid-email", message: "Invalid email \(email)")
            }
            emails = [Email(address: email.lowercased(), verified: new.verified)]
        }
        let roles = try Self.checkedRoles(new.roles)
        var hash: PasswordHash?
        if let password = new.password {
            guard !password.isEmpty else { throw ChatError.invalidParams("The 'password' param is required") }
            hash = try await hasher.hash(digest: PasswordHasher.digest(ofPlaintext: password))
        }
        let now = context.clock.now()
        let user = User(
            id: RandomID.make(), username: new.username, name: name, emails: emails, roles: roles, type: new.type,
            active: new.active, createdAt: now, passwordHash: hash)
        try await insert(user)
        context.hooks.postUserCreated(user, by: creator)
        return user
    }

    /// Creates the first admin when the store has no users. Returns the generated password when one was generated.
    public func bootstrapAdmin(username: String?, password: String?) async throws -> (user: User, generatedPassword: String?)? {
        guard try await context.store.userCount() == 0 else { return nil }
        let generated = password == nil ? RandomID.secret(bytes: 18) : nil
        let user = try await create(
            NewUser(
                username: username ?? "admin", name: "Administrator", email: nil, password: password ?? generated,
                roles: ["admin", "user"]),
            by: nil)
        return (user, generated)
    }

    /// `users.info` by id or username.
    public func find(id: String?, username: String?) async throws -> User {
        let user: User?
        if let id, !id.isEmpty {
            user = try await context.store.user(id: id)
        } else if let username, !username.isEmpty {
            user = try await context.store.user(username: username)
        } else {
            throw ChatError.invalidParams("The required \"userId\" or \"username\" param was not provided")
        }
        guard let user else { throw ChatError(.refused, code: "error-invalid-user", message: "User not found.") }
        return user
    }

    /// `users.list`; `search` narrows it to usernames and names containing it.
    public func list(matching search: String? = nil, page: PageRequest) async throws -> Page<User> {
        try await context.store.users(matching: search, page: page)
    }

    /// Whether `viewer` may see `subject`'s emails (themself, or `view-full-other-user-info`).
    public func canSeePrivateFields(of subject: User, viewer: User) -> Bool {
        subject.id == viewer.id || context.policy.allows(viewer, .viewFullOtherUserInfo)
    }

    /// `users.update`, `users.setStatus` and apps' IUserUpdater: others need `edit-other-user-info`; without it a
    /// user may change their own name, username and status here, but not their roles, active flag, email or password
    /// (those go through `users.updateOwnBasicInfo`, which asks for the current password). An app acts under its own
    /// `user.write`. `session` is the digest of the editor's own token: an editor who resets their own password keeps
    /// that session, every other one ends.
    public func update(userId: String, changes: Changes, by actor: ChatActor, session: String? = nil) async throws -> User {
        let editor = actor.user
        if actor.checksChatPermissions {
            let isSelf = editor.id == userId
            let mayEditOthers = context.policy.allows(editor, .editOtherUserInfo)
            if !isSelf || changes.roles != nil || changes.active != nil {
                try context.policy.require(editor, .editOtherUserInfo)
            }
            if isSelf, !mayEditOthers, changes.password != nil || changes.email != nil {
                throw ChatError.actionNotAllowed("Changing your email or password needs your current password: use users.updateOwnBasicInfo")
            }
        }
        let isSelf = editor.id == userId
        guard let user = try await context.store.user(id: userId) else {
            throw ChatError(.refused, code: "error-invalid-user", message: "User not found.")
        }
        return try await apply(changes, to: user, by: editor, keepSession: isSelf ? session : nil)
    }

    /// `users.updateOwnBasicInfo`: a user's own name, username, email and password. A new email or password needs
    /// the current password, checked like a login (throttled); a new password ends every other session.
    public func updateOwn(_ user: User, changes: OwnChanges, session: String?, address: String?) async throws -> User {
        let newEmail = changes.email.map { $0.lowercased() }.flatMap { $0 == user.emails.first?.address ? nil : $0 }
        if newEmail != nil || changes.newPassword != nil {
            guard let current = changes.currentPassword, current.count == 64 else {
                throw ChatError(.refused, code: "error-invalid-password", message: "Your current password is needed to change your email or password")
            }
            try await auth.verifyPassword(current.lowercased(), of: user, address: address)
        }
        let edit = Changes(username: changes.username, name: changes.name, email: newEmail, password: changes.newPassword)
        return try await apply(edit, to: user, by: user, keepSession: session)
    }

    private func apply(_ changes: Changes, to original: User, by editor: User, keepSession: String?) async throws -> User {
        var user = original
        if let username = changes.username, username != user.username {
            guard Validation.isValidName(username) else {
                throw ChatError(.refused, code: "error-invalid-username", message: "Invalid username")
            }
            user.username = username
        }
        if let name = changes.name {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw ChatError.invalidParams("The 'name' param must not be empty") }
            user.name = trimmed
        }
        if let email = changes.email, email.lowercased() != user.emails.first?.address {
            guard Validation.isValidEmail(email) else {
                throw ChatError(.refused, code: "error-invalid-email", message: "Invalid email \(email)")
            }
            user.emails = [Email(address: email.lowercased(), verified: false)]
        }
        if let roles = changes.roles { user.roles = try Self.checkedRoles(roles) }
        if let active = changes.active { user.active = active }
        if let status = changes.status {
            guard User.statuses.contains(status) else { throw ChatError.invalidParams("Invalid status: \(status)") }
            user.status = status
        }
        if let text = changes.statusText {
            guard text.count <= 120 else { throw ChatError.invalidParams("The status message is longer than 120 characters") }
            user.statusText = text
        }
        if let bio = changes.bio {
            guard bio.count <= 260 else { throw ChatError.invalidParams("The bio is longer than 260 characters") }
            user.bio = bio
        }
        if let customFields = changes.customFields {
            try Validation.storable(.object(customFields), field: "customFields")
            user.customFields = customFields
        }
        if let password = changes.password {
            guard !password.isEmpty else { throw ChatError.invalidParams("The 'password' param must not be empty") }
            user.passwordHash = try await hasher.hash(digest: PasswordHasher.digest(ofPlaintext: password))
        }
        user.updatedAt = context.clock.now()
        do {
            try await context.store.updateUser(user)
        } catch let error as StoreError {
            throw Self.translate(error, user: user)
        }
        if changes.password != nil || changes.active == false {
            // A new password ends every other session of the account; a deactivation ends them all.
            try await auth.endSessions(of: user, except: user.active ? keepSession : nil)
        } else {
            auth.sessions.remove(userId: user.id)
        }
        // Open realtime sessions re-authenticate with the new roles, name and active flag before this answers.
        await context.events.publishAndSettle(.userChanged(user))
        context.hooks.postUserUpdated(user, by: editor)
        if user.status != original.status || user.statusText != original.statusText {
            context.hooks.postUserStatusChanged(user, previousStatus: original.status ?? "online")
        }
        return user
    }

    /// `users.delete` (needs `delete-user`) and an app's `IModifyDeleter.deleteUsers` (its own users, under its
    /// `user.write`): removes the account, its tokens and memberships.
    public func delete(userId: String, by actor: ChatActor) async throws {
        let deleter = actor.user
        if actor.checksChatPermissions { try context.policy.require(deleter, .deleteUser) }
        guard let user = try await context.store.user(id: userId) else {
            throw ChatError(.refused, code: "error-invalid-user", message: "User not found.")
        }
        let memberships = try await context.store.subscriptions(userId: user.id, updatedSince: nil)
        try await context.store.deleteUser(id: user.id)
        auth.sessions.remove(userId: user.id)
        context.events.publish(.sessionsRevoked(userId: user.id, except: nil))
        for subscription in memberships { context.events.publish(.subscriptionRemoved(subscription)) }
        await context.events.settle()
        context.hooks.postUserDeleted(user, by: deleter)
    }

    /// Inserts a fully formed user (the apps engine creates app bot users this way).
    public func insert(_ user: User) async throws {
        do {
            try await context.store.insertUser(user)
        } catch let error as StoreError {
            throw Self.translate(error, user: user)
        }
    }

    /// What each global role is for (Rocket.Chat's `roles.list` descriptions); room roles are `owner`, `moderator`
    /// and `leader` (set with `channels.addOwner` and the like).
    public static let roleDescriptions: [String: String] = [
        "admin": "Administrator: every permission", "user": "A person using the chat", "bot": "An automated account",
        "app": "An app's bot user", "guest": "Limited access",
    ]
    public static let roomRoles: [String: String] = ["owner": "Room owner", "moderator": "Room moderator", "leader": "Room leader"]

    /// `roles.addUserToRole` / `roles.removeUserFromRole` for a global role: through ``update(userId:changes:by:session:)``
    /// (`edit-other-user-info`, and open sessions re-checked at once). The last active admin keeps the admin role.
    public func setRole(_ role: String, granted: Bool, username: String, by caller: User) async throws -> User {
        guard Self.knownRoles.contains(role) else {
            if Self.roomRoles[role] != nil {
                throw ChatError.invalidParams("\(role) is a room role: use channels.addOwner, addModerator or addLeader [error-invalid-role]")
            }
            throw ChatError(.refused, code: "error-invalid-role", message: "Invalid role: \(role)")
        }
        guard let user = try await context.store.user(username: username) else { throw ChatError.invalidUser() }
        var roles = user.roles.filter { $0 != role }
        if granted { roles.append(role) }
        if !granted, role == "admin", user.roles.contains("admin"), try await activeAdminCount() <= 1 {
            throw ChatError.actionNotAllowed("The last active admin keeps the admin role")
        }
        return try await update(userId: user.id, changes: Changes(roles: roles), by: .user(caller))
    }

    /// Users holding a global role (`roles.getUsersInRole`), by username.
    public func users(inRole role: String, page: PageRequest) async throws -> Page<User> {
        let all = try await context.store.users(page: PageRequest(offset: 0, count: 100_000)).items.filter { $0.roles.contains(role) }
        return Page(items: Array(all.dropFirst(page.offset).prefix(page.count)), total: all.count)
    }

    private func activeAdminCount() async throws -> Int {
        try await context.store.users(page: PageRequest(offset: 0, count: 100_000)).items.filter { $0.active && $0.roles.contains("admin") }.count
    }

    private static func checkedRoles(_ roles: [String]) throws -> [String] {
        let unknown = roles.filter { !knownRoles.contains($0) }
        guard unknown.isEmpty else {
            throw ChatError(.refused, code: "error-invalid-role", message: "Invalid role: \(unknown.joined(separator: ", "))")
        }
        var seen = Set<String>()
        return roles.filter { seen.insert($0).inserted }
    }

    private static func translate(_ error: StoreError, user: User) -> any Error {
        switch error.code {
        case .duplicate(key: "username"):
            ChatError(.refused, code: "error-field-unavailable", message: "\(user.username) is already in use :(")
        case .duplicate(key: "email"):
            ChatError(.refused, code: "error-field-unavailable", message: "\(user.emails.first?.address ?? "Email") is already in use :(")
        default: error
        }
    }
}
