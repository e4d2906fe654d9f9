import Foundation
import Synchronization

/// The record of a short execution whose caller waits for its end (a held endpoint call): it is
/// written once, finished, in one commit, instead of an insert before it runs and an update
/// after. If it is still running after `lateInsert`, it is inserted as it stands, so that
/// executions that take longer are visible (and their results URL readable) while they run.
/// Either way the answer is sent only once the final state is committed.
final class DeferredRecord: Sendable {
    /// How long an execution may run before it is inserted unfinished.
    static let lateInsert: Duration = .seconds(1)

    enum Stored: Sendable {
        /// Nothing written yet: the end writes everything.
        case notYet
        /// Inserted (or being inserted) with this status; the end updates it.
        case inserted(Task<Void, any Error>, status: ExecutionStatus)
    }

    private struct State {
        var execution: Execution
        var stored: Stored = .notYet
        var ended = false
        var timer: DeadlineTimer.Token?
    }

    let inputs: [ExecutionInput]
    let outputs: [ExecutionOutput]
    private let state: Mutex<State>

    init(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) {
        self.inputs = inputs
        self.outputs = outputs
        self.state = Mutex(State(execution: execution))
    }

    var execution: Execution { state.withLock { $0.execution } }

    /// Inserts the execution as it stands after `lateInsert`, unless it has ended by then.
    func scheduleLateInsert(into store: any ExecutionStore, timer: DeadlineTimer = .shared) {
        let token = timer.schedule(after: Self.lateInsert) { [self] in
            state.withLock { state in
                guard !state.ended, case .notYet = state.stored else { return }
                let snapshot = state.execution
                let inputs = self.inputs, outputs = self.outputs
                state.stored = .inserted(Task { try await store.insertExecution(snapshot, inputs: inputs, outputs: outputs) },
                                         status: snapshot.status)
            }
        }
        state.withLock { $0.timer = token }
    }

    /// The execution started running (recorded in memory; written with the rest).
    func started(_ status: ExecutionStatus, at time: Date) {
        state.withLock { state in
            state.execution.status = status
            state.execution.startedAt = time
        }
    }

    /// Ends the deferral: what was stored so far. Cancels the late insert.
    func end(timer: DeadlineTimer = .shared) -> (Stored, Execution) {
        state.withLock { state in
            state.ended = true
            if let token = state.timer { _ = timer.cancel(token) }
            return (state.stored, state.execution)
        }
    }
}
