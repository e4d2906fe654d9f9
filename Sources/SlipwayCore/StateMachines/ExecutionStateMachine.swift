import Foundation

/// The single place where an execution's status may change. Workers and services *propose*
/// events; the machine accepts them (returning the transition to persist) or rejects them.
/// It holds no I/O: the caller persists the accepted transition with a compare-and-set.
public struct ExecutionStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// A worker picked the execution up.
        case start
        /// The function returned and its outputs were accepted.
        case succeed
        /// The user's code failed (exception, invalid outputs, timeout, crash).
        case fail(String)
        /// The platform could not run it (environment missing, server restarted…).
        case error(String)
        /// The execution was not run (e.g. its deployment went away before it started).
        case skip(String)
    }

    public enum Action: Sendable, Equatable {
        /// Persist the new status; `endedAt` is set when the new status is final.
        case transition(from: ExecutionStatus, to: ExecutionStatus, message: String?)
        /// The event does not apply in the current status; nothing changes.
        case reject(reason: String)
    }

    public private(set) var status: ExecutionStatus

    public init(status: ExecutionStatus = .pending) {
        self.status = status
    }

    public mutating func handle(_ event: Event) -> Action {
        let current = status
        let next: ExecutionStatus
        var message: String?
        switch (current, event) {
        case (.pending, .start):
            next = .running
        case (.running, .succeed):
            next = .succeeded
        case (.pending, .fail(let text)), (.running, .fail(let text)):
            next = .failed
            message = text
        case (.pending, .error(let text)), (.running, .error(let text)):
            next = .error
            message = text
        case (.pending, .skip(let text)):
            next = .skipped
            message = text
        case (.pending, .succeed):
            return .reject(reason: "an execution that has not started cannot succeed")
        case (.running, .start):
            return .reject(reason: "the execution is already running")
        case (.running, .skip):
            return .reject(reason: "a running execution cannot be skipped")
        case (_, _) where current.isFinal:
            return .reject(reason: "the execution already finished with status \(current.rawValue)")
        default:
            return .reject(reason: "event not allowed in status \(current.rawValue)")
        }
        status = next
        return .transition(from: current, to: next, message: message)
    }
}
