import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension WallarooDialect {
    /// Errors of the token endpoint keep Keycloak's shape (`WallarooOAuthError`). Every other
    /// error is `{"code": <HTTP status>, "status": "error", "error": "<message>", "request_id"}`;
    /// the message names the object and the problem and never carries a secret or a server path.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let headers: HTTPFields = [.init("x-request-id")!: requestID]
        if let error = error as? WallarooOAuthError {
            return JSONResponse.make(error.body, status: error.status, headers: headers)
        }
        let described = ServerError(error, requestID: requestID, logger: logger)
        let body: JSONValue = .object([
            "code": .number(Double(described.status.code)), "status": .string("error"),
            "error": .string(described.message), "request_id": .string(requestID),
        ])
        return JSONResponse.make(body, status: described.status, headers: headers)
    }
}
