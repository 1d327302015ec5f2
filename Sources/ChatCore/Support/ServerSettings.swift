/// The server settings the chat core reads (Rocket.Chat's names in comments).
///
/// Later the apps engine exposes these read-only to apps through a registry; none of them is secret.
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
