import Foundation
import Hummingbird
import SlipwayCore

/// Resolves `Authorization: Bearer <access token>` and checks that the token belongs to the
/// workspace the route is in. Routes listed in `publicPaths` pass unauthenticated.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    let issuer: AccessTokenIssuer
    let store: any MetadataStore
    /// When true the workspace comes from the `:workspace` path parameter, else it is `default`.
    let workspaceFromPath: Bool
    let publicSuffixes: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if publicSuffixes.contains(where: { path.hasSuffix($0) }) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization] else {
            throw SlipwayError.unauthorized("missing Authorization header: send 'Authorization: Bearer <access token>'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SlipwayError.unauthorized("the Authorization header must be 'Bearer <access token>'")
        }
        let principal = try await issuer.verify(String(parts[1]))
        let workspaceName = workspaceFromPath ? (context.parameters.get("workspace") ?? "") : AccountService.defaultWorkspaceName
        guard let workspace = try await store.workspace(named: workspaceName) else {
            throw SlipwayError.notFound("environment", workspaceName)
        }
        guard workspace.id == principal.workspaceID else {
            throw SlipwayError.forbidden("this token is not valid for environment '\(workspaceName)'")
        }
        var context = context
        context.identity = .init(principal: principal, workspace: workspace)
        return try await next(request, context)
    }
}
