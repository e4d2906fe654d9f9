import Foundation
import Testing

@testable import SlipwayCore

/// Password hashes: salted, self-describing, checked both ways.
@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher.fastForTests

    @Test func theRightPasswordMatchesAndAWrongOneDoesNot() throws {
        let stored = try hasher.hash("Snugglebunnies")
        #expect(hasher.verify("Snugglebunnies", against: stored))
        #expect(!hasher.verify("snugglebunnies", against: stored))
        #expect(!hasher.verify("", against: stored))
    }

    @Test func theStoredTextCarriesItsParametersAndAFreshSalt() throws {
        let first = try hasher.hash("same password")
        let second = try hasher.hash("same password")
        #expect(first != second, "a fresh salt every time")
        let parts = first.split(separator: "$")
        #expect(parts.count == 6)
        #expect(parts[0] == "scrypt" && parts[1] == "4" && parts[2] == "1" && parts[3] == "1")
        #expect(!first.contains("same password"))
        // Verification reads the stored parameters, whatever the verifier's own cost.
        #expect(PasswordHasher.standard.verify("same password", against: first))
    }

    @Test func theStandardCostIsScryptN32768() throws {
        let stored = try PasswordHasher.standard.hash("x")
        #expect(stored.hasPrefix("scrypt$15$8$1$"))
        #expect(PasswordHasher.standard.verify("x", against: stored))
    }

    @Test(arguments: ["", "plain", "scrypt$4$1$1$AAAA", "scrypt$99$1$1$AAAA$AAAA", "bcrypt$4$1$1$AAAA$AAAA",
                      "scrypt$4$1$1$!!$AAAA"])
    func malformedStoredTextsMatchNothing(stored: String) {
        #expect(!hasher.verify("anything", against: stored))
    }
}
