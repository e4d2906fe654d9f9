import Foundation

/// Generation of opaque secrets and identifiers. Hashing lives with the callers that have
/// a crypto library; this type only makes random text.
public enum SecretTokens {
    /// A random URL-safe secret with a readable prefix, e.g. `swk_…`.
    public static func make(prefix: String, bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let encoded = Data(raw).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + encoded
    }

    private static let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A short lowercase id suffix such as `k3x9q2`.
    public static func shortID(length: Int = 8) -> String {
        var generator = SystemRandomNumberGenerator()
        var text: [UInt8] = []
        text.reserveCapacity(length)
        while text.count < length {
            // One draw gives ten 6-bit indexes; rejecting those past the alphabet keeps it uniform.
            var bits = generator.next() as UInt64
            for _ in 0..<10 where text.count < length {
                let index = bits & 0x3f
                bits >>= 6
                if index < 36 { text.append(idAlphabet[Int(index)]) }
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
