import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// `users/me` (the caller, with `organization_id` = the workspace the call acts in) and
    /// `users/me/auth_info` (`organization_ids`: the workspaces the caller may act in; an
    /// ingestion-only key has just its own), which the SDK reads to find its organisation.
    func registerUsers(_ api: RouterGroup<SlipwayRequestContext>) {
        api.get("users/me") { _, context -> Response in
            let (user, workspace, _) = try context.arthurScope(.ingestion)
            return JSONResponse.make(.object([
                "id": .string(user.id), "username": .string(user.name), "email": .string(user.email),
                "first_name": user.firstName.json, "last_name": user.lastName.json,
                "organization_id": .string(workspace.id), "organization_name": .string(workspace.name),
                "roles": .array([.string(user.isAdministrator ? "Administrator" : "Model Owner")]),
                "created_at": user.createdAt.json,
            ]))
        }
        api.get("users/me/auth_info") { _, context -> Response in
            let (user, workspace, ingestionKey) = try context.arthurScope(.ingestion)
            let ids = ingestionKey ? [workspace.id] : try await accounts.workspaceIDs(of: user.id)
            return JSONResponse.make(.object([
                "user_id": .string(user.id), "username": .string(user.name), "email": .string(user.email),
                "organization_ids": .array(ids.map(JSONValue.string)),
                "issuer": .string("slipway"),
            ]))
        }
    }
}
