import ChatCore
import Foundation
import MongoDriver
import Testing

/// Records to BSON and back without JSON text: every field kind the stores keep, documents written the older way
/// (int32 numbers, base64 data), and errors that name the field.
struct BSONRecordCodingTests {
    @Test func aMessageRoundTripsWithEveryFieldKind() throws {
        let t0 = Date(timeIntervalSince1970: 1_700_000_000.5)
        let message = Message(
            id: "m1", roomId: "r1", text: "héllo \u{0}\u{1F600}", sender: UserRef(id: "u1", username: "ana"), createdAt: t0,
            editedAt: t0.addingTimeInterval(5), editedBy: UserRef(id: "u2", username: "ben"), threadId: "t1",
            reactions: [":tada:": ["ana", "ben"]], attachments: [["title": "T", "fields": [["short": true, "value": 2.5]]]],
            blocks: [["type": "section", "text": ["type": "mrkdwn", "text": "*b*"]], .null], alias: nil,
            customFields: ["n": 42, "deep": ["list": [1, "two", false, .null]]])
        let document = try BSONDocument(encoding: message)
        #expect(document.date("createdAt") == t0)
        #expect(document.string("alias") == nil)
        #expect(try document.decode(Message.self) == message)
    }

    struct Legacy: Codable, Equatable {
        var count: Int
        var ratio: Double
        var small: Int8
        var blob: Data
        var when: Date
        var note: String?
        var tags: [String]
    }

    @Test func documentsWrittenTheOlderWayStillRead() throws {
        // int32 where the typed encoder writes int64, a double holding an integer, base64 text for Data, extra and
        // null fields.
        let document: BSONDocument = [
            "_id": "x", "count": .int32(7), "ratio": .int32(2), "small": .double(3), "blob": .string(Data([1, 2, 255]).base64EncodedString()),
            "when": .date(Date(timeIntervalSince1970: 1000)), "note": .null, "tags": ["a", "b"], "extra": ["nested": true],
        ]
        #expect(try document.decode(Legacy.self) == Legacy(
            count: 7, ratio: 2, small: 3, blob: Data([1, 2, 255]), when: Date(timeIntervalSince1970: 1000), note: nil, tags: ["a", "b"]))
        let binary: BSONDocument = [
            "count": 1, "ratio": .double(0.5), "small": .int32(-1), "blob": .binary(Data([9])), "when": .date(Date(timeIntervalSince1970: 0)),
            "tags": [],
        ]
        #expect(try binary.decode(Legacy.self).blob == Data([9]))
    }

    @Test func mismatchesNameTheField() throws {
        let wrongType: BSONDocument = ["count": "seven", "ratio": 1, "small": 1, "blob": "", "when": .date(Date()), "tags": []]
        #expect {
            try wrongType.decode(Legacy.self)
        } throws: { error in
            guard case DecodingError.typeMismatch(_, let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["count"]
        }
        let tooBig: BSONDocument = ["count": 1, "ratio": 1, "small": .int64(300), "blob": "", "when": .date(Date()), "tags": []]
        #expect(throws: DecodingError.self) { try tooBig.decode(Legacy.self) }
        let missing: BSONDocument = ["ratio": 1]
        #expect(throws: DecodingError.self) { try missing.decode(Legacy.self) }
    }
}
