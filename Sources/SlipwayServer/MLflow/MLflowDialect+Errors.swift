import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension MLflowDialect {
    /// Every error is `{"error_code": "<MLflow code>", "message": "…"}` with the status MLflow's
    /// server gives that code; core errors map by kind (not found → `RESOURCE_DOES_NOT_EXIST`,
    /// conflict → `RESOURCE_ALREADY_EXISTS`, bad request → `INVALID_PARAMETER_VALUE`…). The
    /// message names the object and the problem, never a secret or a server path.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let headers: HTTPFields = [.init("x-request-id")!: requestID]
        let code: MLflowError.Code, status: HTTPResponse.Status, message: String
        if let error = error as? MLflowError {
            (code, status, message) = (error.code, error.status, error.message)
        } else {
            let described = ServerError(error, requestID: requestID, logger: logger)
            message = described.message
            status = described.status
            switch described.status {
            case .notFound:
                code = (error as? SlipwayError) == nil ? .endpointNotFound : .resourceDoesNotExist
            case .conflict: code = .resourceAlreadyExists
            case .unauthorized: code = .unauthenticated
            case .forbidden: code = .permissionDenied
            case .tooManyRequests: code = .requestLimitExceeded
            case .notImplemented: code = .notImplemented
            case .serviceUnavailable: code = .temporarilyUnavailable
            case .internalServerError: code = .internalError
            default: code = .invalidParameterValue
            }
        }
        // MLflow answers an existing resource with 400 (its clients test the code, not the status).
        let answered = code == .resourceAlreadyExists && status == .conflict ? .badRequest : status
        return JSONResponse.make(.object(["error_code": .string(code.rawValue), "message": .string(message)]),
                                 status: answered, headers: headers)
    }
}
