import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension ArthurDialect {
    /// Every error is `{"code": <HTTP status>, "message": "…", "request_id": "…"}` with the
    /// status of the core error's kind (the Arthur clients show the status and the body as they
    /// come). Internal errors say only that something failed (details go to the server log).
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let described = ServerError(error, requestID: requestID, logger: logger)
        return JSONResponse.make(.object([
            "code": .number(Double(described.status.code)),
            "message": .string(described.message),
            "request_id": .string(requestID),
        ]), status: described.status, headers: [.init("x-request-id")!: requestID])
    }
}
