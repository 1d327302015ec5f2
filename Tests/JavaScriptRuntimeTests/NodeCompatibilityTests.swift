import Foundation
import Testing

@testable import JavaScriptRuntime

/// Node built-ins and web globals behave like Node 20 on a table of cases (hashes, HMAC, base64/hex, URL parsing
/// with percent-encoding, `+` in queries, IPv6 and numeric IPv4 hosts, paths, querystring, util).
@Suite(.timeLimit(.minutes(1))) struct NodeCompatibilityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func expected() throws -> [String: JSONScalar] {
        try JSONDecoder().decode([String: JSONScalar].self, from: Data(contentsOf: fixtures.appendingPathComponent("node-expected.json")))
    }

    static func actual() async throws -> [String: JSONScalar] {
        let cases = try String(contentsOf: fixtures.appendingPathComponent("node-cases.js"), encoding: .utf8)
        let vm = try await makeVM([
            "cases.js": cases,
            "main.js": """
            const cases = require('./cases');
            globalThis.results = {};
            for (const [name, run] of cases) {
              try { results[name] = run(); } catch (e) { results[name] = 'threw ' + e.name + ': ' + e.message; }
            }
            """,
        ])
        let json = try #require(try await vm.evaluate("results"))
        return try JSONDecoder().decode([String: JSONScalar].self, from: Data(json.utf8))
    }

    @Test func tableMatchesNode() async throws {
        let expected = try Self.expected()
        let actual = try await Self.actual()
        #expect(expected.count >= 50)
        #expect(actual.count == expected.count)
        #expect(actual["url href"] == .string("https://user:pa%20ss@example.com/c?q=1%202&x=a+b#frag%20ment"))
        for name in expected.keys.sorted() {
            #expect(actual[name] == expected[name], "\(name)")
        }
    }

    @Test func webCryptoDigestAndHMAC() async throws {
        let vm = try await makeVM()
        let script = """
            (async () => {
              const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
              const digest = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('abc')));
              const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('Jefe'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
              const data = new TextEncoder().encode('what do ya want for nothing?');
              const signature = await crypto.subtle.sign('HMAC', key, data);
              const ok = await crypto.subtle.verify('HMAC', key, signature, data);
              const bad = await crypto.subtle.verify('HMAC', key, new Uint8Array(32), data);
              const random = crypto.getRandomValues(new Uint8Array(16));
              return [digest, hex(signature), ok, bad, random.length, crypto.randomUUID().length];
            })()
            """
        let result = try await vm.evaluate(script)
        #expect(
            result == #"["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",true,false,16,36]"#)
    }

    @Test func promisifyAndUUID() async throws {
        let vm = try await makeVM([
            "main.js": """
            const util = require('util');
            const double = util.promisify((x, cb) => setTimeout(() => cb(null, x * 2), 1));
            globalThis.check = async () => [await double(21), require('uuid').validate(require('uuid').v4())];
            """
        ])
        #expect(try await vm.call("check") == "[42,true]")
    }
}

/// The scalar results the case table produces.
enum JSONScalar: Codable, Equatable, CustomStringConvertible {
    case string(String), number(Double), bool(Bool)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let n = try? c.decode(Double.self) { self = .number(n) } else {
            self = .string(try c.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {}

    var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): "\(n)"
        case .bool(let b): "\(b)"
        }
    }
}
