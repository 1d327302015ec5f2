import AirlockCrypto
import Foundation
import Testing

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, test 2 (one-byte message).
    @Test func rfc8032Vector() throws {
        let seed = try #require(Encoding.fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        let pair = try Ed25519.KeyPair(privateKey: seed)
        #expect(Encoding.hex(pair.publicKey) == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
        let signature = try pair.sign([0x72])
        #expect(Encoding.hex(signature) == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        #expect(Ed25519.verify(signature: signature, message: [0x72], publicKey: pair.publicKey))
    }

    @Test func wrongKeyMessageOrSignatureFails() throws {
        let alice = try Ed25519.KeyPair.generate()
        let mallory = try Ed25519.KeyPair.generate()
        let message = Array("digest".utf8)
        var signature = try alice.sign(message)
        #expect(Ed25519.verify(signature: signature, message: message, publicKey: alice.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: message, publicKey: mallory.publicKey))
        #expect(!Ed25519.verify(signature: signature, message: Array("digesT".utf8), publicKey: alice.publicKey))
        signature[0] ^= 1
        #expect(!Ed25519.verify(signature: signature, message: message, publicKey: alice.publicKey))
        #expect(!Ed25519.verify(signature: Array(signature.prefix(63)), message: message, publicKey: alice.publicKey))
    }

    @Test func pemRoundTripsAndRefusesOtherKeys() throws {
        let pair = try Ed25519.KeyPair.generate()
        let privatePEM = try pair.privatePEM()
        #expect(privatePEM.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try Ed25519.KeyPair(pem: privatePEM).publicKey == pair.publicKey)
        let publicPEM = try Ed25519.publicPEM(pair.publicKey)
        #expect(try Ed25519.publicKey(pem: publicPEM) == pair.publicKey)
        #expect(throws: Ed25519.Failure.self) { try Ed25519.KeyPair(pem: publicPEM) }
        #expect(throws: Ed25519.Failure.self) { try Ed25519.publicKey(pem: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n") }
        #expect(throws: Ed25519.Failure.self) { try Ed25519.KeyPair(privateKey: [1, 2, 3]) }
        #expect(Ed25519.keyId(pair.publicKey).count == 16)
    }
}
