import Foundation
import Testing

@testable import SlipwayCore

@Suite("Secret tokens and ids")
struct SecretTokensTests {
    @Test func shortIDsHaveTheLengthAskedAndOnlyLowercaseLettersAndDigits() {
        for length in [1, 6, 8, 11, 12, 16, 40] {
            let id = SecretTokens.shortID(length: length)
            #expect(id.count == length)
            #expect(id.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        }
    }

    @Test func shortIDDigitsAreSpreadEvenly() {
        // 72,000 digits, 2,000 expected per symbol; a digit skewed by 10% or more would show.
        var counts: [UInt8: Int] = [:]
        for _ in 0..<4_500 { for byte in SecretTokens.shortID(length: 16).utf8 { counts[byte, default: 0] += 1 } }
        #expect(counts.count == 36)
        #expect(counts.values.allSatisfy { (1_800...2_200).contains($0) }, "\(counts.values.sorted())")
    }

    @Test func secretsAreURLSafeAndDistinct() {
        let secrets = (0..<100).map { _ in SecretTokens.make(prefix: "swk_") }
        #expect(Set(secrets).count == 100)
        for secret in secrets {
            #expect(secret.hasPrefix("swk_"))
            #expect(!secret.contains("+") && !secret.contains("/") && !secret.contains("="))
        }
    }
}
