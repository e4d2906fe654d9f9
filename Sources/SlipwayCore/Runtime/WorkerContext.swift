import Foundation

/// What a worker process is started for, so that each dialect can add the variables its in-step
/// client library reads (API address, credentials, execution id) to the worker's environment.
public struct WorkerContext: Sendable, Equatable {
    public var workspace: Workspace
    /// The credential the worker's code calls the API with (execution- or deployment-scoped).
    public var token: String?
    /// Nil for a resident worker, which serves many executions (each learns its id per call).
    public var executionID: String?

    public init(workspace: Workspace, token: String?, executionID: String?) {
        self.workspace = workspace
        self.token = token
        self.executionID = executionID
    }
}
