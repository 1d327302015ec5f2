/// The server settings the chat core reads (Rocket.Chat's names in comments).
///
/// Apps read them through ``registry`` (with `server-setting.read`); none of these is secret.
public struct ServerSettings: Sendable, Hashable {
    /// `Site_Url`.
    public var siteURL: String
    /// `Site_Name`.
    public var siteName: String = "Airlock"
    /// `Language`.
    public var language: String = "en"
    /// `Message_MaxAllowedSize`: longest message text, in characters.
    public var maxMessageSize: Int = 5000
    /// `API_Default_Count`.
    public var defaultCount: Int = 50
    /// `API_Upper_Count_Limit`.
    public var upperCountLimit: Int = 100
    /// `Message_AllowEditing`: users may edit their own messages.
    public var allowEditing: Bool = true
    /// `Message_AllowDeleting`: users may delete their own messages.
    public var allowDeleting: Bool = true
    /// `Accounts_LoginExpiration`, in days.
    public var loginExpirationDays: Int = 90

    public init(siteURL: String) {
        self.siteURL = siteURL
    }
}

/// One server setting as apps see it through `IServerSettingRead` (Rocket.Chat's `ISetting` subset).
public struct ServerSettingEntry: Sendable, Hashable {
    public var id: String
    /// Rocket.Chat's setting type (`string`, `int`, `boolean`).
    public var type: String
    public var value: JSONValue
    public var packageValue: JSONValue
    /// Secret settings are never readable by apps, whatever their permissions.
    public var secret: Bool

    public init(id: String, type: String, value: JSONValue, packageValue: JSONValue, secret: Bool = false) {
        self.id = id
        self.type = type
        self.value = value
        self.packageValue = packageValue
        self.secret = secret
    }
}

extension ServerSettings {
    /// The registry under Rocket.Chat's ids, with the defaults as `packageValue`.
    public var registry: [ServerSettingEntry] {
        let defaults = ServerSettings(siteURL: "")
        return [
            ServerSettingEntry(id: "Site_Url", type: "string", value: .string(siteURL), packageValue: ""),
            ServerSettingEntry(id: "Site_Name", type: "string", value: .string(siteName), packageValue: .string(defaults.siteName)),
            ServerSettingEntry(id: "Language", type: "string", value: .string(language), packageValue: .string(defaults.language)),
            ServerSettingEntry(
                id: "Message_MaxAllowedSize", type: "int", value: .number(Double(maxMessageSize)),
                packageValue: .number(Double(defaults.maxMessageSize))),
            ServerSettingEntry(
                id: "API_Default_Count", type: "int", value: .number(Double(defaultCount)), packageValue: .number(Double(defaults.defaultCount))),
            ServerSettingEntry(
                id: "API_Upper_Count_Limit", type: "int", value: .number(Double(upperCountLimit)),
                packageValue: .number(Double(defaults.upperCountLimit))),
            ServerSettingEntry(
                id: "Message_AllowEditing", type: "boolean", value: .bool(allowEditing), packageValue: .bool(defaults.allowEditing)),
            ServerSettingEntry(
                id: "Message_AllowDeleting", type: "boolean", value: .bool(allowDeleting), packageValue: .bool(defaults.allowDeleting)),
            ServerSettingEntry(
                id: "Accounts_LoginExpiration", type: "int", value: .number(Double(loginExpirationDays)),
                packageValue: .number(Double(defaults.loginExpirationDays))),
        ]
    }
}
