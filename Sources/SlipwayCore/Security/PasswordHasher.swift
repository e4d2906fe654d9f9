import Crypto
import CryptoExtras
import Foundation

/// Slow, salted password hashes (scrypt, from swift-crypto's CryptoExtras). A stored hash
/// carries its own parameters and salt:
///
///     scrypt$<log2 N>$<r>$<p>$<salt, base64>$<32-byte key, base64>
///
/// so the cost can be raised later without invalidating stored passwords: `verify` always uses
/// the parameters in the stored text. The standard cost is N = 2^15, r = 8, p = 1 (32 MiB and
/// some tens of milliseconds per hash); tests use a cheaper one.
public struct PasswordHasher: Sendable {
    public var log2Rounds: Int
    public var blockSize: Int
    public var parallelism: Int

    public init(log2Rounds: Int, blockSize: Int = 8, parallelism: Int = 1) {
        self.log2Rounds = log2Rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    public static let standard = PasswordHasher(log2Rounds: 15)
    /// For tests only: fast, and as weak as it is fast.
    public static let fastForTests = PasswordHasher(log2Rounds: 4, blockSize: 1)

    static let prefix = "scrypt"
    static let keyBytes = 32
    static let saltBytes = 16
    /// Longest password accepted, in UTF-8 bytes (hashing is bounded work).
    public static let maxPasswordBytes = 1024

    /// A new stored hash of `password` with a fresh random salt.
    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<Self.saltBytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let key = try Self.derive(password, salt: salt, log2Rounds: log2Rounds, blockSize: blockSize,
                                  parallelism: parallelism)
        return [Self.prefix, String(log2Rounds), String(blockSize), String(parallelism),
                salt.base64EncodedString(), key.base64EncodedString()].joined(separator: "$")
    }

    /// Whether `password` matches `stored` (a text made by `hash`); a malformed stored text
    /// matches nothing. The comparison takes the same time wherever the keys differ.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == Self.prefix,
              let log2N = Int(parts[1]), (1...20).contains(log2N),
              let r = Int(parts[2]), (1...32).contains(r),
              let p = Int(parts[3]), (1...16).contains(p),
              let salt = Data(base64Encoded: String(parts[4])),
              let expected = Data(base64Encoded: String(parts[5])), expected.count == Self.keyBytes,
              let actual = try? Self.derive(password, salt: salt, log2Rounds: log2N, blockSize: r, parallelism: p)
        else { return false }
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Verifies against a fixed hash of the standard cost: a sign-in for an unknown user takes
    /// as long as one for a known user with a wrong password.
    public func verifyNothing(_ password: String) {
        _ = verify(password, against: dummyHash)
    }

    private var dummyHash: String {
        [Self.prefix, String(log2Rounds), String(blockSize), String(parallelism),
         Data(count: Self.saltBytes).base64EncodedString(), Data(count: Self.keyBytes).base64EncodedString()]
            .joined(separator: "$")
    }

    private static func derive(_ password: String, salt: Data, log2Rounds: Int, blockSize: Int,
                               parallelism: Int) throws -> Data {
        let rounds = 1 << log2Rounds
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: keyBytes, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism, maxMemory: 128 * rounds * blockSize * parallelism + (1 << 20))
        return key.withUnsafeBytes { Data($0) }
    }
}
