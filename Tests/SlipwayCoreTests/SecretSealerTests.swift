import Foundation
import Testing

@testable import SlipwayCore

@Suite("SecretSealer")
struct SecretSealerTests {
    static let key = Data("server key used only in tests".utf8)
    let sealer = SecretSealer(key: SecretSealerTests.key)

    @Test(arguments: ["swe_0123456789abcdef", "", "é ✓ 日本語 🚀", String(repeating: "long-token-", count: 500)])
    func roundTrip(_ secret: String) throws {
        let sealed = try sealer.seal(secret)
        #expect(sealer.open(sealed) == secret)
        #expect(!sealed.contains(secret) || secret.isEmpty, "never in clear")
        // The same key material opens it again (e.g. after a restart).
        #expect(SecretSealer(key: Self.key).open(sealed) == secret)
    }

    @Test func sealedTextIsBase64OfNonceCiphertextAndTag() throws {
        let secret = "swe_token"
        let sealed = try sealer.seal(secret)
        let data = try #require(Data(base64Encoded: sealed))
        #expect(data.count == 12 + secret.utf8.count + 16, "96-bit nonce + ciphertext + 128-bit tag")
    }

    @Test func eachSealIsDifferent() throws {
        let first = try sealer.seal("same secret")
        let second = try sealer.seal("same secret")
        #expect(first != second, "a fresh nonce every time")
        #expect(sealer.open(first) == "same secret")
        #expect(sealer.open(second) == "same secret")
    }

    @Test func wrongKeyGivesNil() throws {
        let sealed = try sealer.seal("swe_secret")
        #expect(SecretSealer(key: Data("another key".utf8)).open(sealed) == nil)
        #expect(SecretSealer(key: Data()).open(sealed) == nil)
        var nearlySame = Self.key
        nearlySame[nearlySame.startIndex] ^= 1
        #expect(SecretSealer(key: nearlySame).open(sealed) == nil)
    }

    @Test func anyKeyLengthIsAccepted() throws {
        for length in [0, 1, 16, 32, 64, 1_000] {
            let sealer = SecretSealer(key: Data(repeating: 7, count: length))
            let sealed = try sealer.seal("x")
            #expect(sealer.open(sealed) == "x", "key of \(length) bytes")
        }
    }

    @Test func tamperingGivesNil() throws {
        let sealed = try sealer.seal("swe_secret_token")
        let original = try #require(Data(base64Encoded: sealed))
        // Flip one bit anywhere: nonce, ciphertext or tag.
        for index in original.indices {
            var altered = original
            altered[index] ^= 0x01
            #expect(sealer.open(altered.base64EncodedString()) == nil, "bit flipped at byte \(index)")
        }
        // Truncated or extended.
        #expect(sealer.open(original.dropLast().base64EncodedString()) == nil)
        #expect(sealer.open((original + Data([0])).base64EncodedString()) == nil)
        #expect(sealer.open(original.prefix(12).base64EncodedString()) == nil, "nonce only")
        #expect(sealer.open(original.prefix(27).base64EncodedString()) == nil, "shorter than nonce + tag")
    }

    @Test(arguments: ["", "not base64!", "AAAA", "====", "c3dlX3NlY3JldA=="])
    func garbageGivesNil(_ text: String) {
        #expect(sealer.open(text) == nil)
    }
}
