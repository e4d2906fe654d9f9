import Foundation
import SlipwayCore

/// Users as Keycloak represents them (`UserRep`, protocol reference §3.1). The `username` is
/// the email, except for the built-in administrator (`admin`, with no email, as Keycloak's).
enum WallarooUserPresenter {
    static func representation(_ user: User) -> JSONValue {
        var fields: [String: JSONValue] = [
            "access": .object(["manageGroupMembership": .bool(true), "impersonate": .bool(false), "view": .bool(true),
                               "manage": .bool(true), "mapRoles": .bool(true)]),
            "createdTimestamp": .number(WallarooTimestamp.milliseconds(user.createdAt)),
            "disableableCredentialTypes": .array([]),
            "emailVerified": .bool(false),
            "enabled": .bool(user.isEnabled),
            "id": .string(user.id),
            "notBefore": .number(0),
            "requiredActions": .array([]),
            "username": .string(WallarooTokenIssuer.username(of: user)),
        ]
        if !user.isBuiltInAdministrator {
            fields["email"] = .string(user.email)
            if let first = user.firstName { fields["firstName"] = .string(first) }
            if let last = user.lastName { fields["lastName"] = .string(last) }
        }
        return .object(fields)
    }

    /// `{"users": {"<id>": UserRep, ...}}`: an object keyed by user id.
    static func query(_ users: [User]) -> JSONValue {
        .object(["users": .object(Dictionary(users.map { ($0.id, representation($0)) }, uniquingKeysWith: { first, _ in first }))])
    }
}
