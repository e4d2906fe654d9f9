import Foundation
import Hummingbird
import SlipwayCore

/// An error with MLflow's own code (`RESOURCE_DOES_NOT_EXIST`, `INVALID_PARAMETER_VALUE`…), for
/// the problems a dialect finds itself (a field of the wrong type, a filter that does not
/// parse); core errors are translated by kind in `MLflowDialect.errorResponse`.
struct MLflowError: Error, Sendable {
    /// MLflow's error codes, with the HTTP status its server answers them with.
    enum Code: String, Sendable {
        case invalidParameterValue = "INVALID_PARAMETER_VALUE"
        case malformedRequest = "MALFORMED_REQUEST"
        case badRequest = "BAD_REQUEST"
        case resourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST"
        case resourceAlreadyExists = "RESOURCE_ALREADY_EXISTS"
        case resourceConflict = "RESOURCE_CONFLICT"
        case invalidState = "INVALID_STATE"
        case permissionDenied = "PERMISSION_DENIED"
        case unauthenticated = "UNAUTHENTICATED"
        case endpointNotFound = "ENDPOINT_NOT_FOUND"
        case requestLimitExceeded = "REQUEST_LIMIT_EXCEEDED"
        case notImplemented = "NOT_IMPLEMENTED"
        case temporarilyUnavailable = "TEMPORARILY_UNAVAILABLE"
        case internalError = "INTERNAL_ERROR"

        var status: HTTPResponse.Status {
            switch self {
            case .invalidParameterValue, .malformedRequest, .badRequest, .resourceAlreadyExists: .badRequest
            case .resourceDoesNotExist, .endpointNotFound: .notFound
            case .resourceConflict: .conflict
            case .permissionDenied: .forbidden
            case .unauthenticated: .unauthorized
            case .requestLimitExceeded: .tooManyRequests
            case .notImplemented: .notImplemented
            case .temporarilyUnavailable: .serviceUnavailable
            case .invalidState, .internalError: .internalServerError
            }
        }
    }

    let code: Code
    let message: String
    /// The HTTP status, when it differs from the code's (a body over the size limit is a 413).
    let status: HTTPResponse.Status

    init(_ code: Code, _ message: String, status: HTTPResponse.Status? = nil) {
        self.code = code
        self.message = message
        self.status = status ?? code.status
    }

    static func invalidParameter(_ message: String) -> MLflowError { MLflowError(.invalidParameterValue, message) }
    static func doesNotExist(_ message: String) -> MLflowError { MLflowError(.resourceDoesNotExist, message) }
    static func alreadyExists(_ message: String) -> MLflowError { MLflowError(.resourceAlreadyExists, message) }
}
