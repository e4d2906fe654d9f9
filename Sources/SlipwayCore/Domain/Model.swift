import Foundation

/// A named model in a workspace. Its artifacts are ``ModelVersion``s.
public struct Model: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    /// DNS-style, unique in the workspace.
    public var name: String
    public var description: String?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, name: String, description: String? = nil, createdAt: Date,
                createdBy: String, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Model names follow the resource rule: 1–63 lowercase letters, digits and `-`, starting and
    /// ending with a letter or digit.
    public static func validateName(_ name: String) throws(SlipwayError) {
        try NameRules.validateResourceName(name, kind: "model")
    }
}
