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

    /// 36^11: eleven base-36 digits come out of one 64-bit draw.
    private static let digitsPerDraw = 11
    private static let drawSpan: UInt64 = 131_621_703_842_267_136
    /// Draws at or above the largest multiple of `drawSpan` are redrawn (1 in 280), so every
    /// digit is exactly uniform.
    private static let acceptBelow: UInt64 = 140 * drawSpan

    /// A short lowercase id suffix such as `k3x9q2`: uniform base-36 digits, eleven per system
    /// random draw.
    public static func shortID(length: Int = 8) -> String {
        var generator = SystemRandomNumberGenerator()
        var text: [UInt8] = []
        text.reserveCapacity(length)
        while text.count < length {
            let draw = generator.next() as UInt64
            guard draw < acceptBelow else { continue }
            var rest = draw % drawSpan
            for _ in 0..<digitsPerDraw where text.count < length {
                text.append(idAlphabet[Int(rest % 36)])
                rest /= 36
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
