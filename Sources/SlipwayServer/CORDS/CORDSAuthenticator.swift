import Foundation
import Hummingbird
import SlipwayCore

/// Resolves `Authorization: Bearer <token>` (a Slipway user token, as `users/get-auth-token`
/// gives) into the user and the workspace the token acts in. Missing, unknown, revoked tokens
/// and tokens of executions or deployments are refused with 401.
struct CORDSAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    let accounts: AccountService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw SlipwayError.unauthorized("missing Authorization header: send 'Bearer <token>' from users/get-auth-token")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SlipwayError.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        let principal = try await accounts.authenticate(refreshToken: parts[1].trimmingCharacters(in: .whitespaces))
        guard principal.kind == .user else { throw SlipwayError.unauthorized("the token is not valid") }
        let user = try await accounts.activeUser(id: principal.userID)
        guard let workspace = try await accounts.workspace(id: principal.workspaceID),
              try await accounts.member(userID: user.id, workspaceID: workspace.id) != nil else {
            throw SlipwayError.unauthorized("the token is not valid")
        }
        var context = context
        context.caller = .user(user, sessionID: nil)
        context.identity = .init(principal: principal, workspace: workspace)
        return try await next(request, context)
    }
}

extension SlipwayRequestContext {
    /// The user of a CORDS call and the workspace their token acts in.
    func cordsScope() throws -> (user: User, workspace: Workspace) {
        guard let user = caller?.user, let identity else { throw SlipwayError.unauthorized("authentication required") }
        return (user, identity.workspace)
    }
}
