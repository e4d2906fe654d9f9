import Foundation

/// How an execution ended, handed to callers that wait for it (an endpoint call) so they need not
/// read it back from the store.
public struct ExecutionResult: Sendable, Equatable {
    public var status: ExecutionStatus
    /// The stored outputs (with values and file blobs) when it succeeded.
    public var outputs: [ExecutionOutput]
    public var failureMessage: String?

    public init(status: ExecutionStatus, outputs: [ExecutionOutput], failureMessage: String?) {
        self.status = status
        self.outputs = outputs
        self.failureMessage = failureMessage
    }
}
