import Foundation
import Hummingbird
import Logging
import SlipwayCore

/// Answers every error in the shape of the dialect that owns the request's path, or in
/// Slipway's own shape `{"error_code", "message", "request_id"}` elsewhere; adds the request id
/// to every answer.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SlipwayRequestContext
    let dialects: [any Dialect.Type]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            response.headers[.init("x-request-id")!] = context.requestID
            return response
        } catch {
            let path = request.uri.path[...]
            if let dialect = dialects.first(where: { $0.owns(path: path) }) {
                return dialect.errorResponse(for: error, requestID: context.requestID, logger: context.logger)
            }
            return Self.neutralResponse(for: error, requestID: context.requestID, logger: context.logger)
        }
    }

    static func neutralResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let described = ServerError(error, requestID: requestID, logger: logger)
        let body: JSONValue = .object(["error_code": .string(described.name), "message": .string(described.message),
                                       "request_id": .string(requestID)])
        return JSONResponse.make(body, status: described.status, headers: [.init("x-request-id")!: requestID])
    }
}
