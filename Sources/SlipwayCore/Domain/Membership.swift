import Foundation

/// One user's membership of one workspace.
public struct Membership: Sendable, Equatable {
    public var workspaceID: String
    public var userID: String
    public var role: WorkspaceRole

    public init(workspaceID: String, userID: String, role: WorkspaceRole) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.role = role
    }
}
