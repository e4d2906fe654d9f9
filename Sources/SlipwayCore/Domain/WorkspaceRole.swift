import Foundation

/// What a member may do in a workspace.
public enum WorkspaceRole: String, Sendable, Codable, CaseIterable {
    /// Created the workspace (or was made owner): manages its members.
    case owner
    /// Works in the workspace.
    case collaborator
}
