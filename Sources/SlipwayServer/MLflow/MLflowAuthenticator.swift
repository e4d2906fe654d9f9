import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// Resolves the credentials an MLflow client sends into a user and the workspace the call runs
/// in, kept in the request context (`context.mlflowScope()`):
/// - `Authorization: Bearer <token>` (`MLFLOW_TRACKING_TOKEN`): a Slipway SDK token (user tokens
///   only; an execution's token is refused) or an access token from the token endpoint;
/// - `Authorization: Basic …` (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`): a user's name or email and
///   password. A verified pair is remembered for five minutes, so a client logging many metrics
///   does not pay the slow password hash per call; that the account is still enabled and its
///   password unchanged (the stored hash is the one the pair matched) is checked again once a
///   second, so a change takes effect within a second.
///
/// The workspace is `X-MLFLOW-WORKSPACE` (absent: `default`); a user who is not a member of it
/// (administrators included) gets a 403 naming it, an unknown one a 404.
struct MLflowAuthenticator: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    static let workspaceHeader = HTTPField.Name("X-MLFLOW-WORKSPACE")!
    static let defaultWorkspace = AccountService.defaultWorkspaceName

    let accounts: AccountService
    let tokens: WallarooTokenIssuer
    /// Basic credentials verified in the last five minutes, by SHA-256 of the header: the user
    /// id and the stored password hash they matched.
    let verifiedPasswords = ExpiringCache<String, (userID: String, passwordHash: String)>()
    /// The users of those credentials as confirmed (enabled, password unchanged) in the last
    /// second, by the same key: a changed password or a disabled account takes effect within it.
    let confirmedUsers = ExpiringCache<String, User>()
    /// Membership checks of the last second (user id | workspace name) → workspace.
    let memberships = ExpiringCache<String, Workspace>()

    init(accounts: AccountService, tokens: WallarooTokenIssuer) {
        self.accounts = accounts
        self.tokens = tokens
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let user = try await authenticatedUser(request.headers[.authorization])
        let name = request.headers[Self.workspaceHeader].map { $0.trimmingCharacters(in: .whitespaces) }
        let workspace = try await workspace(named: name?.isEmpty == false ? name! : Self.defaultWorkspace, for: user)
        var context = context
        context.caller = .user(user, sessionID: nil)
        context.identity = .init(principal: Principal(userID: user.id, workspaceID: workspace.id, kind: .user),
                                 workspace: workspace)
        return try await next(request, context)
    }

    private func authenticatedUser(_ header: String?) async throws -> User {
        guard let header else {
            throw SlipwayError.unauthorized(
                "missing Authorization header: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { throw SlipwayError.unauthorized("the Authorization header must be 'Bearer <token>' or 'Basic <credentials>'") }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "bearer": return try await bearerUser(credential)
        case "basic": return try await basicUser(credential)
        default: throw SlipwayError.unauthorized("the Authorization header must be 'Bearer <token>' or 'Basic <credentials>'")
        }
    }

    /// A Slipway SDK token, else an access token (a JWT has two dots, an SDK token none).
    private func bearerUser(_ token: String) async throws -> User {
        if token.split(separator: ".", omittingEmptySubsequences: false).count == 3 {
            return try await tokens.caller(for: token).requireUser()
        }
        let principal = try await accounts.authenticate(refreshToken: token)
        guard principal.kind == .user else {
            throw SlipwayError.forbidden("an execution's or deployment's token cannot be used as an MLflow tracking token")
        }
        return try await accounts.activeUser(id: principal.userID)
    }

    private func basicUser(_ encoded: String) async throws -> User {
        let key = Hex.encode(SHA256.hash(data: Data(encoded.utf8)))
        if let user = confirmedUsers.value(for: key) { return user }
        if let verified = verifiedPasswords.value(for: key) {
            if let user = try await accounts.user(id: verified.userID, passwordHash: verified.passwordHash) {
                confirmedUsers.set(user, for: key, until: .now + .seconds(1))
                return user
            }
            verifiedPasswords.remove(key)
        }
        guard encoded.utf8.count <= 2048, let data = Data(base64Encoded: encoded),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else {
            throw SlipwayError.unauthorized("the Basic credentials are not valid base64 'user:password'")
        }
        let (user, hash) = try await accounts.verifiedPassword(login: String(text[..<colon]),
                                                               password: String(text[text.index(after: colon)...]))
        verifiedPasswords.set((user.id, hash), for: key, until: .now + .seconds(300))
        confirmedUsers.set(user, for: key, until: .now + .seconds(1))
        return user
    }

    private func workspace(named name: String, for user: User) async throws -> Workspace {
        let key = user.id + "|" + name
        if let cached = memberships.value(for: key) { return cached }
        guard let workspace = try await accounts.workspace(named: name) else {
            throw SlipwayError.notFound("workspace", NameRules.printable(name))
        }
        guard try await accounts.member(userID: user.id, workspaceID: workspace.id) != nil else {
            throw SlipwayError.forbidden("you are not a member of workspace '\(workspace.name)'")
        }
        memberships.set(workspace, for: key, until: .now + .seconds(1))
        return workspace
    }
}

extension SlipwayRequestContext {
    /// The user making an MLflow call and the workspace it runs in.
    func mlflowScope() throws -> (user: User, workspace: Workspace) {
        guard let user = caller?.user, let identity else { throw SlipwayError.unauthorized("authentication required") }
        return (user, identity.workspace)
    }
}
