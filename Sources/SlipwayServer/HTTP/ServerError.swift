import Foundation
import Hummingbird
import Logging
import SlipwayCore

/// Any error as status, name and a message safe to show, for every dialect's error shape.
/// Server faults are logged with the request id and never echoed.
struct ServerError {
    let status: HTTPResponse.Status
    let name: String
    let message: String

    init(_ error: any Error, requestID: String, logger: Logger) {
        switch error {
        case let error as SlipwayError:
            status = error.kind.httpStatus
            name = error.kind.rawValue
            message = error.message
            if error.kind == .internal {
                logger.error("internal error: \(error.message)", metadata: ["request_id": .string(requestID)])
            }
        case let error as HTTPError:
            status = error.status
            name = error.status == .notFound ? "NotFound" : "HTTPError"
            message = error.body ?? (error.status == .notFound ? "no such route" : error.status.reasonPhrase)
        case let error as FormError:
            status = error.exceedsLimit ? .contentTooLarge : .badRequest
            name = error.exceedsLimit ? "PayloadTooLarge" : "BadRequest"
            message = "invalid form: \(error.message)"
        default:
            status = .internalServerError
            name = "InternalError"
            message = "the server failed to handle this request; see its log for request \(requestID)"
            logger.error("unhandled error: \(String(reflecting: error))", metadata: ["request_id": .string(requestID)])
        }
    }
}

extension SlipwayError.Kind {
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unprocessable: .unprocessableContent
        case .tooManyRequests: .tooManyRequests
        case .notImplemented: .notImplemented
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}
