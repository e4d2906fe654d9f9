import Foundation

/// A named secret of a workspace, kept only sealed: encrypted and authenticated under the
/// server key `keyID` (AES-GCM, as `SecretSealer` does). It holds no plaintext, and its
/// descriptions and reflection do not show even the sealed bytes; its `Codable` form carries
/// them (base64) for storage.
public struct Secret: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    /// See ``validateName(_:)``; unique in the workspace.
    public var name: String
    public var sealedValue: Data
    /// Which server key sealed the value, so keys can be rotated.
    public var keyID: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, workspaceID: String, name: String, sealedValue: Data, keyID: String, createdAt: Date,
                updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.sealedValue = sealedValue
        self.keyID = keyID
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// What to record instead of the value.
    public var reference: SecretReference { SecretReference(name: name) }

    /// 1–128 characters: letters, digits, `_`, `-` and `.`, starting with a letter or digit.
    public static func validateName(_ name: String) throws(SlipwayError) {
        let bytes = Array(name.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard (1...128).contains(bytes.count), isAlphanumeric(bytes[0]),
              bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else {
            throw .badRequest("secret name '\(NameRules.printable(name))' is invalid: use 1 to 128 letters, digits, "
                + "'_', '-' and '.', starting with a letter or digit")
        }
    }
}
