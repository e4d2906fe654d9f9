import Foundation
import SlipwayCore

/// One write of the execution write path, as the backends apply them (alone or in batches).
enum ExecutionWrite: Sendable {
    case insert(Execution, [ExecutionInput], [ExecutionOutput])
    case status(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?)
    case outputs(executionID: String, [ExecutionOutput])
    case logs([LogLine], LogSubject)
    case finish(id: String, from: ExecutionStatus, to: ExecutionStatus, at: Date, message: String?,
                outputs: [ExecutionOutput], logs: [LogLine])
    /// Writes nothing: resolves once everything submitted before it has committed.
    case barrier
}
