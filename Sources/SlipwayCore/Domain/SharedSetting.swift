import Foundation

/// A named plain value of a workspace (TetraScience's "shared setting"), reused by pipelines
/// and executions where the same value would otherwise be repeated. Not for credentials: those
/// are ``Secret``s.
public struct SharedSetting: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    /// See ``validateName(_:)``; unique in the workspace (secrets have their own names).
    public var name: String
    public var value: String
    public var createdAt: Date
    public var updatedAt: Date
    /// 1 when created, one more at every replacement of the value.
    public var version: Int
    /// The user who last set the value; nil when set by an administration command.
    public var updatedBy: String?

    public init(id: String, workspaceID: String, name: String, value: String, createdAt: Date, updatedAt: Date? = nil,
                version: Int = 1, updatedBy: String? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.value = value
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.version = version
        self.updatedBy = updatedBy
    }

    /// Largest value accepted, in UTF-8 bytes.
    public static let maximumValueBytes = 32 * 1024

    /// The same rule as secret names (``NameRules/validateKeyName(_:kind:)``).
    public static func validateName(_ name: String) throws(SlipwayError) {
        try NameRules.validateKeyName(name, kind: "shared setting")
    }

    /// A value is 1 to ``maximumValueBytes`` bytes without NUL.
    public static func validateValue(_ value: String, name: String) throws(SlipwayError) {
        guard !value.isEmpty else { throw .badRequest("the value of shared setting '\(name)' must not be empty") }
        guard value.utf8.count <= maximumValueBytes else {
            throw .tooLarge("the value of shared setting '\(name)' must be at most \(maximumValueBytes) bytes")
        }
        guard !value.utf8.contains(0) else {
            throw .badRequest("the value of shared setting '\(name)' must not contain NUL characters")
        }
    }
}
