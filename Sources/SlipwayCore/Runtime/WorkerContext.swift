import Foundation

/// What a worker process is started for, so that each dialect can add the variables its in-step
/// client library reads (API address, credentials, execution id) to the worker's environment.
public struct WorkerContext: Sendable, Equatable {
    public var workspace: Workspace
    /// The credential the worker's code calls the API with (execution- or deployment-scoped).
    public var token: String?
    /// Nil for a resident worker, which serves many executions (each learns its id per call).
    public var executionID: String?
    /// Set for a job's program (then `token` is the run's job-run token).
    public var jobRunID: String?

    public init(workspace: Workspace, token: String?, executionID: String?, jobRunID: String? = nil) {
        self.workspace = workspace
        self.token = token
        self.executionID = executionID
        self.jobRunID = jobRunID
    }
}
