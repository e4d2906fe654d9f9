import Foundation
import SlipwayCore

/// Workspaces and their members as the Wallaroo API writes them (protocol reference §4).
enum WallarooWorkspacePresenter {
    static func workspace(_ overview: WorkspaceOverview) -> JSONValue {
        let workspace = overview.workspace
        return .object([
            "id": .number(Double(workspace.number)),
            "name": .string(workspace.name),
            "created_at": .string(WallarooTimestamp.entity(workspace.createdAt)),
            "created_by": workspace.createdBy.map { .string($0) } ?? .null,
            "archived": .bool(workspace.isArchived),
            "models": .array(overview.modelNumbers.map { .number(Double($0)) }),
            "pipelines": .array(overview.pipelineNumbers.map { .number(Double($0)) }),
        ])
    }

    /// `{"workspaces": [...]}` in ascending id order.
    static func list(_ overviews: [WorkspaceOverview]) -> JSONValue {
        .object(["workspaces": .array(overviews.sorted { $0.workspace.number < $1.workspace.number }.map(workspace))])
    }

    /// `OWNER` or `COLLABORATOR`.
    static func userType(_ role: WorkspaceRole) -> String {
        switch role {
        case .owner: "OWNER"
        case .collaborator: "COLLABORATOR"
        }
    }

    /// `{"users": [{"user_id", "user_type"}]}`.
    static func members(_ members: [Membership]) -> JSONValue {
        .object(["users": .array(members.map {
            .object(["user_id": .string($0.userID), "user_type": .string(userType($0.role))])
        })])
    }
}
