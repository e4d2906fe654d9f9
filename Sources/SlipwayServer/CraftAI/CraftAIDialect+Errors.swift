import Foundation
import Hummingbird
import Logging
import SlipwayCore

extension CraftAIDialect {
    /// The Craft AI error body `{message, name, request_id, additional_data}` (a JSON object, as
    /// the SDK requires). Core errors with a known code get the SDK call that helps next.
    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        let status: HTTPResponse.Status
        let name: String
        let message: String
        var details: JSONValue = .null
        switch error {
        case let error as SlipwayError:
            status = error.kind.httpStatus
            name = error.kind.rawValue
            message = error.message + (error.code.flatMap(hint(for:)).map { "; \($0)" } ?? "")
            details = error.details ?? .null
        default:
            let neutral = ServerError(error, requestID: requestID, logger: logger)
            (status, name, message) = (neutral.status, neutral.name, neutral.message)
        }
        var body: [String: JSONValue] = [
            "message": .string(message), "name": .string(name), "request_id": .string(requestID),
            "additional_data": details,
        ]
        // An error about one execution names it at the top level too (endpoint callers read it there).
        if let executionID = details.objectValue?["execution_id"] { body["execution_id"] = executionID }
        return JSONResponse.make(.object(body), status: status, headers: [.init("x-request-id")!: requestID])
    }

    /// What an SDK user does about an error with this code.
    static func hint(for code: SlipwayError.Code) -> String? {
        switch code {
        case .deploymentDisabled: "enable it with update_deployment"
        case .deploymentWorkerFailed: "see get_deployment_logs, fix the code and update the deployment"
        case .deploymentWorkerNotRunning: "retry in a moment or see get_deployment_logs"
        case .pipelineHasDeployments: "delete them first or pass force_deployments_deletion=True"
        case .stepFailed: "see get_step_logs"
        case .stepHasPipelines: "delete them first or pass force_dependents_deletion=True"
        default: nil
        }
    }
}
