import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/workspaces/list|create|add_user|remove_user|list_users`. Workspaces are
/// Slipway's (a workspace made here is also a Craft AI environment), named by their `number`.
/// A caller who is not a member of the workspace a call names gets 403; adding and removing
/// members is for its owners.
extension WallarooDialect {
    struct ListRequest: Decodable {
        var user_id: String?
    }

    struct CreateRequest: Decodable {
        var workspace_name: String
    }

    struct AddUserRequest: Decodable {
        var email: String
        var workspace_id: Int
    }

    struct RemoveUserRequest: Decodable {
        var workspace_id: Int
        var user_id: String?
        var email: String?
    }

    struct WorkspaceRequest: Decodable {
        var workspace_id: Int
    }

    func registerWorkspaces(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("workspaces/list") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(ListRequest.self)
            let overviews = try await accounts.workspaceOverviews(visibleTo: caller, userID: body.user_id)
            return JSONResponse.make(WallarooWorkspacePresenter.list(overviews))
        }
        api.post("workspaces/create") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(CreateRequest.self)
            let workspace = try await accounts.createWorkspace(named: body.workspace_name, by: caller)
            return JSONResponse.make(.object(["workspace_id": .number(Double(workspace.number))]))
        }
        api.post("workspaces/add_user") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(AddUserRequest.self)
            try await accounts.addMember(email: body.email, workspaceNumber: body.workspace_id, by: caller)
            return JSONResponse.make(.object([:]))
        }
        api.post("workspaces/list_users") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(WorkspaceRequest.self)
            let members = try await accounts.members(workspaceNumber: body.workspace_id, visibleTo: caller)
            return JSONResponse.make(WallarooWorkspacePresenter.members(members))
        }
        api.post("workspaces/remove_user") { request, context -> Response in
            let caller = try context.wallarooUser()
            let body = try await request.wallarooBody(RemoveUserRequest.self)
            let removed = try await accounts.removeMember(userID: body.user_id, email: body.email,
                                                          workspaceNumber: body.workspace_id, by: caller)
            return JSONResponse.make(.object(["affected_rows": .number(Double(removed))]))
        }
    }
}
