import Foundation

/// Workspaces as their members see them: creating one makes the caller its owner; owners
/// manage members; only members see or act in a workspace.
extension AccountService {
    /// A new workspace owned by `user`.
    public func createWorkspace(named name: String, by user: User) async throws -> Workspace {
        try await createWorkspace(named: name, ownerID: user.id)
    }

    /// The workspace numbered `number`, for a call by `user`: unknown → 404, not a member → 403.
    /// The workspace named `name`, if any (who may act in it is the caller's check).
    public func workspace(named name: String) async throws -> Workspace? {
        try await store.workspace(named: name)
    }

    public func workspace(number: Int, visibleTo user: User) async throws -> (Workspace, Membership) {
        guard let workspace = try await store.workspace(number: number) else {
            throw SlipwayError.notFound("workspace", String(number))
        }
        guard let membership = try await store.membership(userID: user.id, workspaceID: workspace.id) else {
            throw SlipwayError.forbidden("you are not a member of workspace \(number)")
        }
        return (workspace, membership)
    }

    /// The workspaces `caller` is a member of (or, with `userID`, those of that user, which only
    /// administrators and the user themselves may list), by number, with what they hold.
    public func workspaceOverviews(visibleTo caller: User, userID: String? = nil) async throws -> [WorkspaceOverview] {
        let subject = userID ?? caller.id
        if subject != caller.id { try Self.requireAdministrator(caller, to: "list another user's workspaces") }
        let ids = Set(try await store.memberships(userID: subject).map(\.workspaceID))
        let workspaces = try await store.listWorkspaces().filter { ids.contains($0.id) }
        return try await overviews(of: workspaces)
    }

    /// What each workspace holds. Models and model pipelines are not numbered by the store
    /// yet, so their lists are empty; the services that store them fill these lists here.
    public func overviews(of workspaces: [Workspace]) async throws -> [WorkspaceOverview] {
        var overviews: [WorkspaceOverview] = []
        for workspace in workspaces {
            let models = try await store.listModels(workspaceID: workspace.id).reversed()
            let pipelines = try await store.listPipelines(workspaceID: workspace.id)
            var modelNumbers: [Int] = [], pipelineNumbers: [Int] = []
            for model in models { modelNumbers.append(Int(try await store.number(of: .model, id: model.id))) }
            for pipeline in pipelines { pipelineNumbers.append(Int(try await store.number(of: .pipeline, id: pipeline.id))) }
            overviews.append(WorkspaceOverview(workspace: workspace, modelNumbers: modelNumbers.sorted(),
                                               pipelineNumbers: pipelineNumbers.sorted()))
        }
        return overviews
    }

    /// The workspace with this id, for a call by `user` about an object in it: unknown → 404,
    /// not a member → 403.
    public func workspace(id: String, visibleTo user: User) async throws -> (Workspace, Membership) {
        guard let workspace = try await store.workspace(id: id) else { throw SlipwayError.notFound("workspace", id) }
        guard let membership = try await store.membership(userID: user.id, workspaceID: workspace.id) else {
            throw SlipwayError.forbidden("you are not a member of workspace \(workspace.number)")
        }
        return (workspace, membership)
    }

    /// Adds the user with `email` to workspace `number` as a collaborator (owners only); a
    /// member already in it keeps their role.
    public func addMember(email: String, workspaceNumber number: Int, by caller: User) async throws {
        let (workspace, membership) = try await workspace(number: number, visibleTo: caller)
        try Self.requireOwner(membership, to: "add members")
        guard let user = try await store.user(email: email) else {
            throw SlipwayError.notFound("user with email", NameRules.printable(email))
        }
        try await store.addMember(userID: user.id, workspaceID: workspace.id, role: .collaborator)
    }

    /// Removes a member (named by id or email) from workspace `number` (owners only); returns
    /// how many memberships were removed (0 when the user was not a member). The last owner
    /// cannot be removed.
    public func removeMember(userID: String?, email: String?, workspaceNumber number: Int,
                             by caller: User) async throws -> Int {
        let (workspace, membership) = try await workspace(number: number, visibleTo: caller)
        try Self.requireOwner(membership, to: "remove members")
        let target: User?
        if let userID {
            target = try await store.user(id: userID)
        } else if let email {
            target = try await store.user(email: email)
        } else {
            throw SlipwayError.badRequest("name the member to remove by user id or email")
        }
        guard let target else { throw SlipwayError.notFound("user", NameRules.printable(userID ?? email ?? "")) }
        let members = try await store.members(workspaceID: workspace.id)
        if members.contains(where: { $0.userID == target.id && $0.role == .owner }),
           members.filter({ $0.role == .owner }).count == 1 {
            throw SlipwayError.conflict("the last owner of workspace \(number) cannot be removed")
        }
        return try await store.removeMember(userID: target.id, workspaceID: workspace.id)
    }

    /// The members of workspace `number` (members only): owners first.
    public func members(workspaceNumber number: Int, visibleTo caller: User) async throws -> [Membership] {
        let (workspace, _) = try await workspace(number: number, visibleTo: caller)
        return try await store.members(workspaceID: workspace.id)
    }

    static func requireOwner(_ membership: Membership, to action: String) throws(SlipwayError) {
        guard membership.role == .owner else { throw .forbidden("only owners of the workspace may \(action)") }
    }
}
