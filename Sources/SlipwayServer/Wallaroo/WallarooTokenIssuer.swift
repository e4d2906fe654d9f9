import Foundation
import JWTKit
import SlipwayCore

/// Writes and reads Wallaroo access tokens: RS256 JWTs signed with the server's RSA key (its
/// `kid` in the header) with Keycloak's claims, valid for `lifetime` (60 minutes by default).
/// Reading one yields the core's `Caller`: the token's user, who must still exist and be
/// enabled, or an inference client.
struct WallarooTokenIssuer: Sendable {
    let signer: RSATokenSigner
    let lifetime: TimeInterval
    let accounts: AccountService
    /// Callers of tokens verified in the last second.
    let verified = ExpiringCache<String, Caller>()

    static let audience = ["master-realm", "account"]
    static let userRealmRoles = ["default-roles-master", "offline_access", "uma_authorization"]
    static let accountRoles = ["manage-account", "manage-account-links", "view-profile"]
    static let userRealmManagementRoles = ["manage-users", "view-users", "query-groups", "query-users"]

    /// The `preferred_username` of a client's service account.
    static func serviceAccountName(of clientID: String) -> String { "service-account-\(clientID)" }

    /// What clients see as a user's Wallaroo user name: their email (as a Wallaroo user's is),
    /// except for the built-in administrator, who is `admin` (as Keycloak's is).
    static func username(of user: User) -> String {
        user.isBuiltInAdministrator ? user.name : user.email
    }

    /// An access token for a signed-in session. `issuer` is the realm URL (`…/auth/realms/master`).
    func userToken(for session: SignedInSession, issuer: String, now: Date = Date()) async throws -> String {
        let user = session.user
        let fullName = [user.firstName, user.lastName].compactMap { $0 }.joined(separator: " ")
        let claims = base(subject: user.id, client: session.clientID, issuer: issuer, now: now,
                          managementRoles: Self.userRealmManagementRoles, preferredUsername: Self.username(of: user))
        var token = claims
        token.sessionState = session.sessionID
        token.sid = session.sessionID
        token.name = fullName.isEmpty ? nil : fullName
        token.givenName = user.firstName
        token.familyName = user.lastName
        token.email = user.isBuiltInAdministrator ? nil : user.email
        return try await signer.sign(token)
    }

    /// An inference token for a client (`client_credentials`): no user, no session. Its subject
    /// is the client's service account, a fixed id derived from the client id.
    func clientToken(clientID: String, clientAddress: String?, issuer: String, now: Date = Date()) async throws -> String {
        var token = base(subject: Self.serviceAccountID(of: clientID), client: clientID, issuer: issuer, now: now,
                         managementRoles: ["impersonation"] + Self.userRealmManagementRoles,
                         preferredUsername: Self.serviceAccountName(of: clientID))
        token.clientID = clientID
        token.clientHost = clientAddress
        token.clientAddress = clientAddress
        return try await signer.sign(token)
    }

    /// The caller a bearer token stands for; 401 when it is not one of ours, has expired, or
    /// names a user who is gone or disabled.
    func caller(for token: String) async throws -> Caller {
        // A token verified a moment ago, whose user was active then, is taken as is for up to
        // a second (and never past its expiry): verifying and decoding it again, and reading
        // the user, cost more than the rest of an inference call. A deactivation therefore
        // takes effect within a second.
        if let cached = verified.value(for: token) { return cached }
        // A task run's own token (see `WallarooDialect.workerEnvironment`), valid while the run runs.
        if token.hasPrefix("swj_") {
            let principal: Principal
            do {
                principal = try await accounts.authenticate(refreshToken: token, allowingJobRuns: true)
            } catch {
                throw SlipwayError.unauthorized("the access token is not valid")
            }
            guard principal.kind == .jobRun else { throw SlipwayError.unauthorized("the access token is not valid") }
            return .user(try await accounts.activeUser(id: principal.userID), sessionID: nil)
        }
        let claims = try await signer.verify(token, as: WallarooTokenClaims.self)
        let caller = try await self.caller(from: claims)
        let expiry = claims.exp.value.timeIntervalSinceNow
        if expiry > 0 { verified.set(caller, for: token, until: .now + .milliseconds(Int(min(1, expiry) * 1000))) }
        return caller
    }

    private func caller(from claims: WallarooTokenClaims) async throws -> Caller {
        if let clientID = claims.clientID {
            guard clientID == WallarooClients.confidentialClientID else {
                throw SlipwayError.unauthorized("the access token is not valid")
            }
            return .inferenceClient(clientID: clientID)
        }
        let user = try await accounts.activeUser(id: claims.sub.value)
        return .user(user, sessionID: claims.sid)
    }

    private func base(subject: String, client: String, issuer: String, now: Date, managementRoles: [String],
                      preferredUsername: String) -> WallarooTokenClaims {
        // Whole seconds, so that `exp - iat` is exactly the lifetime.
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let subjectID = subject
        return WallarooTokenClaims(
            exp: .init(value: issued.addingTimeInterval(lifetime)), iat: .init(value: issued),
            jti: .init(value: UUID().uuidString.lowercased()), iss: .init(value: issuer), aud: .init(value: Self.audience),
            sub: .init(value: subjectID), typ: "Bearer", azp: client, sessionState: nil, acr: "1", allowedOrigins: ["*"],
            realmAccess: .init(roles: Self.userRealmRoles),
            resourceAccess: ["master-realm": .init(roles: managementRoles), "account": .init(roles: Self.accountRoles)],
            scope: "profile email", sid: nil, emailVerified: false,
            hasura: .init(userID: subjectID, defaultRole: "user", allowedRoles: ["user"], userGroups: "{}"),
            name: nil, preferredUsername: preferredUsername, givenName: nil, familyName: nil, email: nil,
            clientID: nil, clientHost: nil, clientAddress: nil)
    }

    /// A UUID-shaped id made from the client id (stable across restarts and servers).
    static func serviceAccountID(of clientID: String) -> String {
        let hex = AccountService.hash("service-account:" + clientID)
        let characters = Array(hex.prefix(32))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }
}
