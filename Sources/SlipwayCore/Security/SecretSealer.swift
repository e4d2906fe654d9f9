import Crypto
import Foundation

/// Seals short secrets (endpoint tokens) with AES-GCM under a server key, so that the database
/// never holds them in clear yet authorised users can be shown them again.
public struct SecretSealer: Sendable {
    private let key: SymmetricKey

    public init(key: Data) {
        self.key = SymmetricKey(data: SHA256.hash(data: key))
    }

    public func seal(_ secret: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: key)
        guard let combined = box.combined else { throw SlipwayError.internal("could not seal a secret") }
        return combined.base64EncodedString()
    }

    /// The secret, or nil when the text was sealed under another key or altered.
    public func open(_ sealed: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return String(data: plain, encoding: .utf8)
    }

}
