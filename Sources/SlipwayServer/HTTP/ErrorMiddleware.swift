import Foundation
import Hummingbird
import Logging
import SlipwayCore

/// Turns every error into the Craft AI error body `{message, name, request_id, additional_data}`
/// (a JSON object, as the SDK requires) and logs server faults without echoing them.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.init("x-request-id")!] = context.requestID
            return response
        } catch {
            return Self.response(for: error, requestID: context.requestID, logger: context.logger)
        }
    }

    static func status(for kind: SlipwayError.Kind) -> HTTPResponse.Status {
        switch kind {
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

    static func response(for error: any Error, requestID: String, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        let name: String
        let message: String
        var details: JSONValue = .null
        switch error {
        case let error as SlipwayError:
            status = Self.status(for: error.kind)
            name = error.kind.rawValue
            message = error.message
            details = error.details ?? .null
            if error.kind == .internal { logger.error("internal error: \(error.message)", metadata: ["request_id": .string(requestID)]) }
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
        var body: [String: JSONValue] = [
            "message": .string(message), "name": .string(name), "request_id": .string(requestID),
            "additional_data": details,
        ]
        // An error about one execution names it at the top level too (endpoint callers read it there).
        if let executionID = details.objectValue?["execution_id"] { body["execution_id"] = executionID }
        return JSONResponse.make(.object(body), status: status, headers: [.init("x-request-id")!: requestID])
    }
}
