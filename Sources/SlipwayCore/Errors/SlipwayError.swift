import Foundation

/// The one error type the core raises. Dialects translate `kind` to their own status code and
/// error body; `message` is always safe to show to the caller (it never carries a secret).
public struct SlipwayError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case badRequest = "BadRequest"
        case unauthorized = "Unauthorized"
        case forbidden = "Forbidden"
        case notFound = "NotFound"
        case conflict = "Conflict"
        case payloadTooLarge = "PayloadTooLarge"
        case unprocessable = "UnprocessableEntity"
        case tooManyRequests = "TooManyRequests"
        case notImplemented = "NotImplemented"
        case unavailable = "ServiceUnavailable"
        case `internal` = "InternalError"
    }

    /// A stable name for errors a client may act on (dialects add their own advice by code).
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Executions of a disabled deployment are refused.
        public static let deploymentDisabled = Code(rawValue: "deployment_disabled")
        /// The deployment's worker could not start (its code failed to load).
        public static let deploymentWorkerFailed = Code(rawValue: "deployment_worker_failed")
        /// The deployment's worker is not running at the moment (starting, restarting).
        public static let deploymentWorkerNotRunning = Code(rawValue: "deployment_worker_not_running")
        /// A step that pipelines use cannot be deleted on its own.
        public static let stepHasPipelines = Code(rawValue: "step_has_pipelines")
        /// The step failed to build: its logs say why.
        public static let stepFailed = Code(rawValue: "step_failed")
        /// A sign-in or token of a disabled user.
        public static let accountDisabled = Code(rawValue: "account_disabled")
        /// A user name or email and password that do not match.
        public static let invalidCredentials = Code(rawValue: "invalid_credentials")
        /// A pipeline that deployments use cannot be deleted on its own.
        public static let pipelineHasDeployments = Code(rawValue: "pipeline_has_deployments")
    }

    public let kind: Kind
    public let message: String
    /// Structured details for the caller (field names, allowed values…). Never secrets.
    public let details: JSONValue?
    public let code: Code?

    public init(_ kind: Kind, _ message: String, details: JSONValue? = nil, code: Code? = nil) {
        self.kind = kind
        self.message = message
        self.details = details
        self.code = code
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    public static func badRequest(_ message: String, details: JSONValue? = nil) -> SlipwayError {
        SlipwayError(.badRequest, message, details: details)
    }
    public static func notFound(_ what: String, _ name: String) -> SlipwayError {
        SlipwayError(.notFound, "\(what) '\(name)' was not found")
    }
    public static func conflict(_ message: String, details: JSONValue? = nil) -> SlipwayError {
        SlipwayError(.conflict, message, details: details)
    }
    public static func forbidden(_ message: String) -> SlipwayError {
        SlipwayError(.forbidden, message)
    }
    public static func unauthorized(_ message: String) -> SlipwayError {
        SlipwayError(.unauthorized, message)
    }
    public static func tooLarge(_ message: String) -> SlipwayError {
        SlipwayError(.payloadTooLarge, message)
    }
    public static func notImplemented(_ message: String) -> SlipwayError {
        SlipwayError(.notImplemented, message)
    }
    public static func `internal`(_ message: String) -> SlipwayError {
        SlipwayError(.internal, message)
    }
}
