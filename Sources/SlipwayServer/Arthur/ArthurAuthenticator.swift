import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// Resolves `Authorization: <key>` (raw, as the Arthur clients send it; `Bearer <key>` is read
/// too) into a user and the workspace ("organisation") the call acts in.
///
/// The key is a Slipway SDK token: a user's token (everything its user may do in the
/// workspaces they are a member of) or an ingestion-only key (sending inferences and ground
/// truth in its own workspace; `context.arthurScope(.ingestion)` routes only). Tokens of
/// executions and deployments are refused. `Arthur-Organization-ID` names the workspace by
/// id or name; without it the key's own workspace is used. A workspace that does not exist
/// is a 404, one the user is not a member of a 403.
struct ArthurAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    static let organizationHeader = HTTPField.Name("Arthur-Organization-ID")!

    let accounts: AccountService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard var key = request.headers[.authorization]?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            throw SlipwayError.unauthorized("missing Authorization header: send 'Authorization: <api key>'")
        }
        if key.lowercased().hasPrefix("bearer ") { key = String(key.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        let principal = try await accounts.authenticate(refreshToken: key, allowingIngestion: true)
        guard principal.kind == .user || principal.kind == .ingestion else {
            throw SlipwayError.unauthorized("the api key is not valid")
        }
        let user = try await accounts.activeUser(id: principal.userID)
        let workspace = try await self.workspace(named: request.headers[Self.organizationHeader], principal: principal, user: user)
        var context = context
        context.caller = .user(user, sessionID: nil)
        context.identity = .init(principal: principal, workspace: workspace)
        return try await next(request, context)
    }

    private func workspace(named header: String?, principal: Principal, user: User) async throws -> Workspace {
        let name = header?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty || name == principal.workspaceID {
            guard let own = try await accounts.workspace(id: principal.workspaceID),
                  try await accounts.member(userID: user.id, workspaceID: own.id) != nil else {
                throw SlipwayError.unauthorized("the api key is not valid")
            }
            return own
        }
        var found = try await accounts.workspace(id: name)
        if found == nil { found = try await accounts.workspace(named: name) }
        guard let workspace = found else { throw SlipwayError.notFound("organization", NameRules.printable(name)) }
        guard principal.kind == .user || workspace.id == principal.workspaceID else {
            throw SlipwayError.forbidden("this ingestion key only works in its own organization")
        }
        guard try await accounts.member(userID: user.id, workspaceID: workspace.id) != nil else {
            throw SlipwayError.forbidden("you are not a member of organization '\(NameRules.printable(name))'")
        }
        return workspace
    }
}

/// What an Arthur route lets a key do.
enum ArthurAccess {
    /// Sending inferences and ground truth (and reading the model they are sent to, which the
    /// clients do first): ingestion-only keys may.
    case ingestion
    /// Everything else: user keys only.
    case full
}

extension SlipwayRequestContext {
    /// The user of an Arthur call and its workspace; an ingestion-only key is refused (403) on
    /// routes that are not for ingestion.
    func arthurScope(_ access: ArthurAccess = .full) throws -> (user: User, workspace: Workspace, isIngestionKey: Bool) {
        guard let user = caller?.user, let identity else { throw SlipwayError.unauthorized("authentication required") }
        let ingestionKey = identity.principal.kind == .ingestion
        if ingestionKey, access == .full {
            throw SlipwayError.forbidden("this key may only send inferences and ground truth")
        }
        return (user, identity.workspace, ingestionKey)
    }
}
