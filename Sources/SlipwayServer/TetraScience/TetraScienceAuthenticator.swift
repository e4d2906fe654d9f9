import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// Resolves TetraScience credentials into a user and the workspace ("organisation") the call
/// acts in, as `ts-sdk` sends them: the token in `ts-auth-token` (what ts-sdk 2.8.0 always
/// uses), `x-api-key`, or `Authorization: Bearer`; the organisation in `x-org-slug`, a
/// workspace name (without it, the token's own workspace).
///
/// The token is a Slipway SDK token of a user (`slipway token create`); tokens of executions,
/// deployments and ingestion keys are refused. A wrong or unknown token is a 401; an
/// organisation the token's user is not a member of — or that does not exist, so that a
/// token reveals nothing about other organisations — is a 403.
struct TetraScienceAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    static let tokenHeader = HTTPField.Name("ts-auth-token")!
    static let apiKeyHeader = HTTPField.Name("x-api-key")!
    static let organizationHeader = HTTPField.Name("x-org-slug")!

    let accounts: AccountService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.token(in: request.headers) else {
            throw SlipwayError.unauthorized("missing credentials: send the token in the 'ts-auth-token' header")
        }
        let principal: Principal
        do {
            principal = try await accounts.authenticate(refreshToken: token)
        } catch let error as SlipwayError where error.kind == .unauthorized || error.kind == .forbidden {
            throw SlipwayError.unauthorized("the ts-auth-token is not valid")
        }
        guard principal.kind == .user else { throw SlipwayError.unauthorized("the ts-auth-token is not a user's token") }
        let user = try await accounts.activeUser(id: principal.userID)
        let workspace = try await workspace(named: request.headers[Self.organizationHeader], principal: principal, user: user)
        var context = context
        context.caller = .user(user, sessionID: nil)
        context.identity = .init(principal: principal, workspace: workspace)
        return try await next(request, context)
    }

    /// The first non-empty credential of `ts-auth-token`, `x-api-key`, `Authorization: Bearer`.
    static func token(in headers: HTTPFields) -> String? {
        for name in [tokenHeader, apiKeyHeader] {
            if let value = headers[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        if let value = headers[.authorization]?.trimmingCharacters(in: .whitespaces), value.lowercased().hasPrefix("bearer ") {
            let token = value.dropFirst(7).trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        return nil
    }

    private func workspace(named header: String?, principal: Principal, user: User) async throws -> Workspace {
        let slug = header?.trimmingCharacters(in: .whitespaces) ?? ""
        let found: Workspace?
        if slug.isEmpty {
            found = try await accounts.workspace(id: principal.workspaceID)
        } else {
            found = try await accounts.workspace(named: slug)
        }
        guard let workspace = found, try await accounts.member(userID: user.id, workspaceID: workspace.id) != nil else {
            throw SlipwayError.forbidden(slug.isEmpty ? "the token's user is not a member of its own organization"
                : "the token does not give access to organization '\(NameRules.printable(slug))'")
        }
        return workspace
    }
}

extension SlipwayRequestContext {
    /// The user of a TetraScience call and the organisation (workspace) it acts in.
    func tetraScienceScope() throws -> (user: User, workspace: Workspace) {
        guard let user = caller?.user, let identity else { throw SlipwayError.unauthorized("authentication required") }
        return (user, identity.workspace)
    }
}
