import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerAuth(_ group: RouterGroup<SlipwayRequestContext>) {
        group.post("auth/refresh") { request, _ -> Response in
            let body = try await request.jsonObject(limit: 64 * 1024)
            guard let token = body["refresh_token"]?.stringValue else {
                throw SlipwayError.badRequest("refresh_token is required")
            }
            let principal = try await accounts.authenticate(refreshToken: token)
            let access = try await issuer.issue(for: principal)
            return JSONResponse.make(.object(["access_token": .string(access), "token_type": .string("Bearer"),
                                              "expires_in": .number(issuer.lifetime)]))
        }
        group.get("users/me") { _, context -> Response in
            let identity = try context.userOrExecution()
            let id = identity.principal.userID
            guard let user = try await accounts.user(id: id) else { throw SlipwayError.notFound("user", id) }
            return userResponse(user)
        }
        group.get("users/:id") { _, context -> Response in
            let identity = try context.user()
            let id = try context.parameters.require("id")
            guard let user = try await accounts.member(userID: id, workspaceID: identity.workspace.id) else {
                throw SlipwayError.notFound("user", id)
            }
            return userResponse(user)
        }
        group.get("project-information") { _, context -> Response in
            let identity = try context.user()
            return JSONResponse.make(.object([
                "name": .string(identity.workspace.name),
                "requirements_path": .string(steps.defaults.requirementsPath),
                "included_folders": .array(steps.defaults.includedFolders.map { .string($0) }),
                "language": .string("python:\(platform.environments.defaultPythonVersion)-slim"),
                "available_python_versions": .array(platform.environments.availablePythonVersions().map { .string($0) }),
            ]))
        }
    }

    private func userResponse(_ user: User) -> Response {
        return JSONResponse.make(.object(["id": .string(user.id), "name": .string(user.name), "email": .string(user.email),
                                          "created_at": user.createdAt.json]))
    }

    /// SDK functions whose backing feature Slipway does not provide: a clear answer, never fake data.
    func registerUnsupported(_ group: RouterGroup<SlipwayRequestContext>) {
        let templates = "pipeline templates are not available on Slipway; create pipelines from your own code"
        group.get("pipeline-templates") { _, context -> Response in
            _ = try context.user()
            throw SlipwayError.notImplemented(templates)
        }
        group.get("pipeline-templates/:name") { _, context -> Response in
            _ = try context.user()
            throw SlipwayError.notImplemented(templates)
        }
        group.get("environment-info") { _, _ -> Response in
            throw SlipwayError.notImplemented("the vector database is not available on Slipway")
        }
    }
}
