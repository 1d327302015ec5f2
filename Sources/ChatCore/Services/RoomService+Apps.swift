/// What apps do to rooms through their bot (`IModifyUpdater.room`, `IModifyExtender.extendRoom`,
/// `IModifyDeleter.deleteRoom`). Like Rocket.Chat's room bridge, these check no chat permission: the app's
/// `room.write` permission was checked by the engine before the call.
extension RoomService {
    /// Applies an app's changes to a room's presentation (read-only, default, topic, description, custom fields) and
    /// adds `addingUsernames` as members (system message, hooks and events as for an invite by the bot).
    public func updateAsApp(_ changed: Room, addingUsernames: [String], by bot: User) async throws -> Room {
        guard var room = try await context.store.room(id: changed.id) else { throw ChatError.roomNotFound() }
        if let customFields = changed.customFields { try Validation.storable(.object(customFields), field: "customFields") }
        // Every member to add is looked up first, so an unknown name changes nothing.
        var joining: [User] = []
        for username in addingUsernames where room.type != .direct {
            guard let user = try await context.store.user(username: username) else { throw ChatError.invalidUser("Invalid user: \(username)") }
            joining.append(user)
        }
        room.readOnly = changed.readOnly
        room.isDefault = changed.isDefault
        room.topic = changed.topic
        room.description = changed.description
        room.customFields = changed.customFields
        room.updatedAt = context.clock.now()
        try await context.store.updateRoom(room)
        context.events.publish(.roomChanged(room))
        for user in joining {
            if try await context.store.subscription(roomId: room.id, userId: user.id) != nil { continue }
            room = try await addMember(user, to: room, inviter: bot, systemType: "au")
        }
        return room
    }

    /// Deletes a channel or group (its pre-delete hooks still apply).
    public func deleteAsApp(roomId: String, by bot: User) async throws {
        guard let room = try await context.store.room(id: roomId) else { throw ChatError.roomNotFound() }
        guard room.type != .direct else { throw ChatError.notAllowed() }
        try await remove(room, by: bot)
    }
}
