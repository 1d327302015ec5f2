import AirlockJSON
import ChatCore
import Foundation
@testable import Integrations
import Testing

@Suite struct IntegrationsTests {
    static func hook(channels: [String], words: [String] = [], anywhere: Bool = false) -> Integration {
        Integration(
            id: "h", kind: .outgoing, name: "h", enabled: true, user: UserRef(id: "u", username: "bot"), channels: channels, token: "t",
            urls: ["http://x.example"], triggerWords: words, triggerWordAnywhere: anywhere, createdAt: Date())
    }

    static func room(_ type: RoomType, name: String?, usernames: [String] = []) -> Room {
        Room(id: "r", type: type, name: name, creator: nil, createdAt: Date(), usernames: usernames)
    }

    @Test func outgoingHooksWatchTheirRooms() {
        let general = Self.room(.channel, name: "general")
        let group = Self.room(.privateGroup, name: "ops")
        let direct = Self.room(.direct, name: nil, usernames: ["ana", "ben"])
        #expect(OutgoingWebhooks.watches(Self.hook(channels: []), room: general))
        #expect(!OutgoingWebhooks.watches(Self.hook(channels: []), room: group))
        #expect(OutgoingWebhooks.watches(Self.hook(channels: ["#General"]), room: general))
        #expect(!OutgoingWebhooks.watches(Self.hook(channels: ["#random"]), room: general))
        #expect(OutgoingWebhooks.watches(Self.hook(channels: ["all_private_groups"]), room: group))
        #expect(OutgoingWebhooks.watches(Self.hook(channels: ["@ana"]), room: direct))
        #expect(!OutgoingWebhooks.watches(Self.hook(channels: ["@ana"]), room: general))
        #expect(OutgoingWebhooks.watches(Self.hook(channels: ["all_direct_messages"]), room: direct))
    }

    @Test func triggerWordsStartTheTextOrAppearAnywhere() {
        #expect(OutgoingWebhooks.trigger(Self.hook(channels: []), text: "anything") == "")
        #expect(OutgoingWebhooks.trigger(Self.hook(channels: [], words: ["!deploy", "!ship"]), text: "!ship it") == "!ship")
        #expect(OutgoingWebhooks.trigger(Self.hook(channels: [], words: ["!deploy"]), text: "please !deploy") == nil)
        #expect(OutgoingWebhooks.trigger(Self.hook(channels: [], words: ["!deploy"], anywhere: true), text: "please !deploy") == "!deploy")
    }

    @Test func retryDelaysGrowAsNamed() {
        #expect((0..<3).map { Integration.RetryDelay.powersOfTen.units(forRetry: $0) } == [1, 10, 100])
        #expect((0..<3).map { Integration.RetryDelay.powersOfTwo.units(forRetry: $0) } == [1, 2, 4])
        #expect((0..<3).map { Integration.RetryDelay.incrementsOfTwo.units(forRetry: $0) } == [2, 4, 6])
    }

    @Test func payloadsAreJSONOrAFormField() throws {
        func request(_ body: String, type: String) -> IncomingWebhooks.Request {
            IncomingWebhooks.Request(path: "/hooks/a/b", rawQuery: "", query: [:], headers: [:], contentType: type, body: Data(body.utf8))
        }
        #expect(try IncomingWebhooks.parse(request(#"{"text":"hi"}"#, type: "application/json"))["text"] == "hi")
        #expect(try IncomingWebhooks.parse(request("payload=%7B%22text%22%3A%22a+b%22%7D", type: "application/x-www-form-urlencoded"))["text"] == "a b")
        #expect(try IncomingWebhooks.parse(request("  ", type: "application/json")) == [:])
        #expect(throws: ChatError.self) { try IncomingWebhooks.parse(request("[1]", type: "application/json")) }
        #expect(throws: ChatError.self) { try IncomingWebhooks.parse(request("text=hi", type: "application/x-www-form-urlencoded")) }
    }

    @Test func theRateLimiterAllowsABurstThenTheRate() {
        let limiter = HookRateLimiter(perMinute: 60)
        let start = ContinuousClock.now
        for _ in 0..<10 { #expect(limiter.reserve("h", now: start) == nil) }
        let wait = limiter.reserve("h", now: start)
        #expect(wait != nil && wait! > 900 && wait! <= 1000)
        #expect(limiter.reserve("other", now: start) == nil)
        #expect(limiter.reserve("h", now: start + .seconds(1)) == nil)
        #expect(limiter.reserve("h", now: start + .seconds(1)) != nil)
    }
}
