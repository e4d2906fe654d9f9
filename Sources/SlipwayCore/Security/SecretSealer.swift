import Crypto
import Foundation

/// Seals short secrets (endpoint tokens, workspace secrets, connection details) with AES-GCM
/// under a server key, so that the database never holds them in clear yet the server can use
/// them again. The key lives apart from the database (a file of the data directory).
public struct SecretSealer: Sendable {
    private let key: SymmetricKey
    /// Names the key without revealing it (a hash under its own label), stored beside what it
    /// sealed so that a value sealed under another key is recognised as such.
    public let keyID: String

    public init(key: Data) {
        self.key = SymmetricKey(data: SHA256.hash(data: key))
        var labelled = Data("slipway secret sealer key id\0".utf8)
        labelled.append(key)
        keyID = SHA256.hash(data: labelled).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public func seal(_ secret: String) throws -> String {
        try seal(secret, boundTo: nil)
    }

    /// Seals `secret`; with `context`, the sealed text opens only with the same context (the
    /// context is authenticated, not encrypted), so a sealed value copied to another row (another
    /// secret's name, another workspace) does not open there.
    public func seal(_ secret: String, boundTo context: String?) throws -> String {
        let box: AES.GCM.SealedBox
        if let context {
            box = try AES.GCM.seal(Data(secret.utf8), using: key, authenticating: Data(context.utf8))
        } else {
            box = try AES.GCM.seal(Data(secret.utf8), using: key)
        }
        guard let combined = box.combined else { throw SlipwayError.internal("could not seal a secret") }
        return combined.base64EncodedString()
    }

    /// The secret, or nil when the text was sealed under another key or altered.
    public func open(_ sealed: String) -> String? {
        open(sealed, boundTo: nil)
    }

    /// The secret sealed with `context`, or nil when the key, the context or the text differ.
    public func open(_ sealed: String, boundTo context: String?) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data) else { return nil }
        let plain: Data?
        if let context {
            plain = try? AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } else {
            plain = try? AES.GCM.open(box, using: key)
        }
        return plain.flatMap { String(data: $0, encoding: .utf8) }
    }
}
