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
    /// 1 when created, one more at every replacement of the value (how often it was edited).
    public var version: Int
    /// The user who last set the value; nil when set by an administration command.
    public var updatedBy: String?

    public init(id: String, workspaceID: String, name: String, sealedValue: Data, keyID: String, createdAt: Date,
                updatedAt: Date? = nil, version: Int = 1, updatedBy: String? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.sealedValue = sealedValue
        self.keyID = keyID
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.version = version
        self.updatedBy = updatedBy
    }

    /// Largest value accepted, in UTF-8 bytes.
    public static let maximumValueBytes = 16 * 1024

    /// What the sealed value is bound to (`SecretSealer.seal(_:boundTo:)`): a sealed value
    /// copied to another secret or workspace does not open.
    public static func sealingContext(workspaceID: String, name: String) -> String {
        "secret\u{0}\(workspaceID)\u{0}\(name)"
    }

    /// A value is 1 to ``maximumValueBytes`` bytes without NUL. The message never quotes it.
    public static func validateValue(_ value: String, name: String) throws(SlipwayError) {
        guard !value.isEmpty else { throw .badRequest("the value of secret '\(name)' must not be empty") }
        guard value.utf8.count <= maximumValueBytes else {
            throw .tooLarge("the value of secret '\(name)' must be at most \(maximumValueBytes) bytes")
        }
        guard !value.utf8.contains(0) else { throw .badRequest("the value of secret '\(name)' must not contain NUL characters") }
    }

    /// What to record instead of the value.
    public var reference: SecretReference { SecretReference(name: name) }

    /// 1–128 characters: letters, digits, `_`, `-` and `.`, starting with a letter or digit
    /// (``NameRules/validateKeyName(_:kind:)``).
    public static func validateName(_ name: String) throws(SlipwayError) {
        try NameRules.validateKeyName(name, kind: "secret")
    }
}
