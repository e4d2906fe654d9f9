import Foundation
import Hummingbird
import SlipwayCore

/// An error of the Keycloak token endpoint, answered in Keycloak's (OAuth 2.0, RFC 6749 §5.2)
/// shape: `{"error": "invalid_grant", "error_description": "Invalid user credentials"}`.
/// A bad client is 401 (`invalid_client`); a bad grant or request is 400.
struct WallarooOAuthError: Error, Sendable, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let description: String

    static func invalidClient(_ description: String) -> Self {
        Self(status: .unauthorized, code: "invalid_client", description: description)
    }
    static func invalidGrant(_ description: String) -> Self {
        Self(status: .badRequest, code: "invalid_grant", description: description)
    }
    static func invalidRequest(_ description: String) -> Self {
        Self(status: .badRequest, code: "invalid_request", description: description)
    }
    static func unauthorizedClient(_ description: String) -> Self {
        Self(status: .badRequest, code: "unauthorized_client", description: description)
    }
    static func unsupportedGrantType(_ description: String) -> Self {
        Self(status: .badRequest, code: "unsupported_grant_type", description: description)
    }

    /// A core refusal of a grant as Keycloak words it.
    static func grant(_ error: SlipwayError) -> Self {
        switch error.code {
        case .accountDisabled?: .invalidGrant("Account disabled")
        case .invalidCredentials? where error.message.contains("user credentials"): .invalidGrant("Invalid user credentials")
        default: .invalidGrant(error.message)
        }
    }

    var body: JSONValue {
        .object(["error": .string(code), "error_description": .string(description)])
    }
}
