import AirlockCrypto
import Testing

@Suite struct CryptoTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ])
    func sha256Vectors(input: String, hex: String) {
        #expect(Encoding.hex(Crypto.sha256(input)) == hex)
    }

    /// RFC 4231 test case 2.
    @Test func hmacSHA256Vector() {
        let mac = Crypto.hmac(.sha256, key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(Encoding.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// PBKDF2-HMAC-SHA256 vectors (RFC 7914 §11 and the widely used c=1/c=4096 set).
    @Test(arguments: [
        (1, "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b"),
        (4096, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a"),
    ])
    func pbkdf2Vectors(iterations: Int, hex: String) {
        let key = Crypto.pbkdf2SHA256(password: Array("password".utf8), salt: Array("salt".utf8), iterations: iterations, length: 32)
        #expect(Encoding.hex(key) == hex)
    }

    @Test func constantTimeEquals() {
        #expect(Crypto.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(Crypto.constantTimeEquals([], []))
    }

    @Test func hexRoundTripAndRejection() {
        let bytes: [UInt8] = [0, 1, 0xAB, 0xFF]
        #expect(Encoding.fromHex(Encoding.hex(bytes)) == bytes)
        #expect(Encoding.fromHex("ABff") == [0xAB, 0xFF])
        #expect(Encoding.fromHex("abc") == nil)
        #expect(Encoding.fromHex("zz") == nil)
    }

    @Test func idsUseRocketChatAlphabetAndDoNotRepeat() {
        let alphabet = Set("23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz")
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = RandomID.make()
            #expect(id.count == 17)
            #expect(id.allSatisfy(alphabet.contains))
            seen.insert(id)
        }
        #expect(seen.count == 2000)
        let secret = RandomID.secret(bytes: 32)
        #expect(secret.count == 43)
        #expect(!secret.contains("=") && !secret.contains("+") && !secret.contains("/"))
    }
}
