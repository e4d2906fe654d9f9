import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension TetraScienceDialect {
    /// Every error is `{"statusCode": <HTTP status>, "error": "<reason phrase>", "message": "…",
    /// "requestId": "…"}` — the shape of TetraScience's API (ts-sdk prints the body of any
    /// status ≥ 400 and fails). The message names the object and the problem and never
    /// carries a secret value or a server path.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let described = ServerError(error, requestID: requestID, logger: logger)
        return JSONResponse.make(.object([
            "statusCode": .number(Double(described.status.code)),
            "error": .string(described.status.reasonPhrase),
            "message": .string(described.message),
            "requestId": .string(requestID),
        ]), status: described.status, headers: [.init("x-request-id")!: requestID])
    }
}
