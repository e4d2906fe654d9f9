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

    /// A short lowercase id suffix such as `k3x9q2`.
    public static func shortID(length: Int = 8) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
