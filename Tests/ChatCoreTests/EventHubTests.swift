import ChatCore
import Foundation
import Synchronization
import Testing

/// The event hub loses nothing: every listener sees every event, each publisher's events in order, before
/// `publish` returns (what makes revocations safe for open sessions).
@Suite struct EventHubTests {
    @Test func listenersSeeEveryEventInPublishOrder() async {
        let hub = EventHub()
        let seen = Mutex<[String: [Int]]>([:])
        let registration = hub.listen { event in
            guard case .messageDeleted(let id, let roomId) = event else { return }
            seen.withLock { $0[roomId, default: []].append(Int(id) ?? -1) }
        }
        await withTaskGroup(of: Void.self) { group in
            for publisher in 0..<4 {
                group.addTask {
                    for n in 0..<5_000 { hub.publish(.messageDeleted(messageId: String(n), roomId: "room-\(publisher)")) }
                }
            }
        }
        let counts = seen.withLock { $0 }
        #expect(counts.count == 4)
        for (_, ids) in counts { #expect(ids == Array(0..<5_000)) }
        // Delivered before publish returns: a listener removed afterwards gets nothing more.
        registration.cancel()
        hub.publish(.messageDeleted(messageId: "late", roomId: "room-0"))
        #expect(seen.withLock { $0["room-0"]?.count } == 5_000)
    }
}
