import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension CORDSDialect {
    /// Every error is `{"code": <HTTP status>, "error": "<reason phrase>", "message": "…"}` (the
    /// shape of the Flask API the dialect follows), with the status of the core error's kind.
    /// A 401 also says `WWW-Authenticate: Bearer`.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let described = ServerError(error, requestID: requestID, logger: logger)
        var headers: HTTPFields = [.init("x-request-id")!: requestID]
        if described.status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"cords\"" }
        return JSONResponse.make(.object([
            "code": .number(Double(described.status.code)),
            "error": .string(described.status.reasonPhrase),
            "message": .string(described.message),
        ]), status: described.status, headers: headers)
    }
}
