import ChatCore
import Foundation

/// An integration in Rocket.Chat's shape (`IIncomingIntegration` / `IOutgoingIntegration`); an incoming one also
/// carries its hook URL.
struct IntegrationDTO: Encodable {
    let integration: Integration
    let siteURL: String

    init(_ integration: Integration, siteURL: String) {
        self.integration = integration
        self.siteURL = siteURL
    }

    enum Keys: String, CodingKey {
        case id = "_id", type, name, enabled, username, userId, channel, alias, avatar, emoji, token, scriptEnabled, script
        case event, urls, triggerWords, triggerWordAnywhere, retryFailedCalls, retryCount, retryDelay, webhookURL
        case createdAt = "_createdAt", updatedAt = "_updatedAt", createdBy = "_createdBy"
    }

    struct Creator: Encodable {
        let _id: String
        let username: String
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let i = integration
        try container.encode(i.id, forKey: .id)
        try container.encode(i.kind.rawValue, forKey: .type)
        try container.encode(i.name, forKey: .name)
        try container.encode(i.enabled, forKey: .enabled)
        try container.encode(i.user.username, forKey: .username)
        try container.encode(i.user.id, forKey: .userId)
        try container.encode(i.channels, forKey: .channel)
        try container.encodeIfPresent(i.alias, forKey: .alias)
        try container.encodeIfPresent(i.avatar, forKey: .avatar)
        try container.encodeIfPresent(i.emoji, forKey: .emoji)
        try container.encode(i.token, forKey: .token)
        try container.encode(i.scriptEnabled, forKey: .scriptEnabled)
        try container.encode(i.script ?? "", forKey: .script)
        try container.encode(i.createdAt, forKey: .createdAt)
        try container.encode(i.updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(i.createdBy.map { Creator(_id: $0.id, username: $0.username) }, forKey: .createdBy)
        switch i.kind {
        case .incoming:
            try container.encode("\(siteURL.hasSuffix("/") ? String(siteURL.dropLast()) : siteURL)/hooks/\(i.id)/\(i.token)", forKey: .webhookURL)
        case .outgoing:
            try container.encode(i.event ?? "sendMessage", forKey: .event)
            try container.encode(i.urls, forKey: .urls)
            try container.encode(i.triggerWords, forKey: .triggerWords)
            try container.encode(i.triggerWordAnywhere, forKey: .triggerWordAnywhere)
            try container.encode(i.retryFailedCalls, forKey: .retryFailedCalls)
            try container.encode(i.retryCount, forKey: .retryCount)
            try container.encode(i.retryDelay.rawValue, forKey: .retryDelay)
        }
    }
}
