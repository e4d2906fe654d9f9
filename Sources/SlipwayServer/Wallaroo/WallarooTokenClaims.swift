import Foundation
import JWTKit

/// The claims of a Wallaroo access token, as the Keycloak of a Wallaroo instance writes them
/// (protocol reference §1.3). A user token names the user (`sub`, `email`,
/// `preferred_username`) and their session (`sid`, `session_state`); a client token
/// (`client_credentials`) has `clientId` instead and no session, name or email.
struct WallarooTokenClaims: JWTPayload, Equatable {
    struct Roles: Codable, Equatable, Sendable {
        var roles: [String]
    }

    /// The claims Wallaroo's GraphQL layer (Hasura) reads.
    struct HasuraClaims: Codable, Equatable, Sendable {
        var userID: String
        var defaultRole: String
        var allowedRoles: [String]
        var userGroups: String

        enum CodingKeys: String, CodingKey {
            case userID = "x-hasura-user-id"
            case defaultRole = "x-hasura-default-role"
            case allowedRoles = "x-hasura-allowed-roles"
            case userGroups = "x-hasura-user-groups"
        }
    }

    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    var iss: IssuerClaim
    var aud: AudienceClaim
    var sub: SubjectClaim
    var typ: String
    var azp: String
    var sessionState: String?
    var acr: String
    var allowedOrigins: [String]
    var realmAccess: Roles
    var resourceAccess: [String: Roles]
    var scope: String
    var sid: String?
    var emailVerified: Bool
    var hasura: HasuraClaims
    var name: String?
    var preferredUsername: String
    var givenName: String?
    var familyName: String?
    var email: String?
    var clientID: String?
    var clientHost: String?
    var clientAddress: String?

    enum CodingKeys: String, CodingKey {
        case exp, iat, jti, iss, aud, sub, typ, azp, acr, scope, sid, name, email
        case sessionState = "session_state"
        case allowedOrigins = "allowed-origins"
        case realmAccess = "realm_access"
        case resourceAccess = "resource_access"
        case emailVerified = "email_verified"
        case hasura = "https://hasura.io/jwt/claims"
        case preferredUsername = "preferred_username"
        case givenName = "given_name"
        case familyName = "family_name"
        case clientID = "clientId"
        case clientHost, clientAddress
    }

    /// Only access tokens are accepted as bearer tokens, and only until they expire.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == "Bearer" else { throw JWTError.generic(identifier: "typ", reason: "not an access token") }
    }

    /// Whether this token was issued to a client with no user (`client_credentials`).
    var isClientToken: Bool { clientID != nil }
}
