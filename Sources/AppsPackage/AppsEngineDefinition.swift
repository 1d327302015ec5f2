/// The Apps-Engine definition surface Airlock declares: its API version and the names manifests may use.
public enum AppsEngineDefinition {
    /// The Apps-Engine API version Airlock implements (the definition shipped with Rocket.Chat 7.10); manifests'
    /// `requiredApiVersion` ranges are checked against it.
    public static let apiVersion = SemanticVersion(1, 57, 0)

    /// `AppInterface` names (event handlers an app may list in `implements` and `essentials`).
    public static let interfaces: Set<String> = [
        "IPostMessageSentToBot", "IPreMessageSentPrevent", "IPreMessageSentExtend", "IPreMessageSentModify",
        "IPostMessageSent", "IPostSystemMessageSent", "IPreMessageDeletePrevent", "IPostMessageDeleted",
        "IPreMessageUpdatedPrevent", "IPreMessageUpdatedExtend", "IPreMessageUpdatedModify", "IPostMessageUpdated",
        "IPostMessageReacted", "IPostMessageFollowed", "IPostMessagePinned", "IPostMessageStarred", "IPostMessageReported",
        "IPreRoomCreatePrevent", "IPreRoomCreateExtend", "IPreRoomCreateModify", "IPostRoomCreate", "IPreRoomDeletePrevent",
        "IPostRoomDeleted", "IPreRoomUserJoined", "IPostRoomUserJoined", "IPreRoomUserLeave", "IPostRoomUserLeave",
        "IPostExternalComponentOpened", "IPostExternalComponentClosed", "IUIKitInteractionHandler",
        "IUIKitLivechatInteractionHandler", "IPostLivechatRoomStarted", "IPostLivechatRoomClosed",
        "ILivechatRoomClosedHandler", "IPreLivechatRoomCreatePrevent", "IPostLivechatAgentAssigned",
        "IPostLivechatAgentUnassigned", "IPostLivechatRoomTransferred", "IPostLivechatGuestSaved", "IPostLivechatRoomSaved",
        "IPostLivechatDepartmentRemoved", "IPostLivechatDepartmentDisabled", "IPreFileUpload", "IPreEmailSent",
        "IPostUserCreated", "IPostUserUpdated", "IPostUserDeleted", "IPostUserLoggedIn", "IPostUserLoggedOut",
        "IPostUserStatusChanged",
    ]

    /// Permission names (`server/permissions/AppPermissions.ts`).
    public static let permissions: Set<String> = [
        "user.read", "user.write", "upload.read", "upload.write", "email.send", "ui.interact", "ui.registerButtons",
        "server-setting.read", "server-setting.write", "room.read", "room.write", "role.read", "role.write",
        "message.read", "message.write", "moderation.read", "moderation.write", "contact.read", "contact.write",
        "threads.read", "livechat-status.read", "livechat-custom-fields.write", "livechat-visitor.read",
        "livechat-visitor.write", "livechat-message.read", "livechat-message.write", "livechat-message.multiple",
        "livechat-room.read", "livechat-room.write", "livechat-department.read", "livechat-department.write",
        "livechat-department.multiple", "env.read", "cloud.workspace-token", "scheduler", "networking", "persistence",
        "slashcommand", "video-conference.read", "video-conference.write", "video-conference-provider", "api",
        "oauth-app.read", "oauth-app.write", "outbound-communication.provide", "experimental.default",
    ]

    /// What an app gets when its manifest declares no permissions (Apps-Engine's backward-compatible default).
    public static let defaultPermissions: Set<String> = [
        "user.read", "user.write", "upload.read", "upload.write", "ui.interact", "server-setting.read",
        "server-setting.write", "room.read", "room.write", "message.read", "message.write", "livechat-department.read",
        "livechat-department.write", "livechat-room.read", "livechat-room.write", "livechat-message.read",
        "livechat-message.write", "livechat-visitor.read", "livechat-visitor.write", "livechat-status.read",
        "livechat-custom-fields.write", "scheduler", "networking", "persistence", "env.read", "slashcommand",
        "video-conference-provider", "video-conference.read", "video-conference.write", "api",
    ]
}
