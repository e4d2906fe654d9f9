import Foundation

/// The single place where a deployment's status may change. Like `ExecutionStateMachine` it
/// holds no I/O: callers persist accepted transitions with a compare-and-set.
public struct DeploymentStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// A resident worker is being (re)started on purpose: creation, enable, reload.
        case workerStarting
        /// The resident worker imported the code and accepts executions.
        case workerReady
        /// The worker cannot come up (import error, or restarts exhausted).
        case workerFailed(String)
        /// A ready worker went away (crash, OOM, timeout kill); a replacement is starting.
        case workerLost(String)
        case disable
        /// Elastic and periodic deployments are up at once; low-latency ones start a worker.
        case enable(DeploymentMode)
    }

    public enum Action: Sendable, Equatable {
        case transition(from: DeploymentStatus, to: DeploymentStatus, message: String?)
        case reject(reason: String)
    }

    public private(set) var status: DeploymentStatus

    public init(status: DeploymentStatus) {
        self.status = status
    }

    /// The status a new deployment starts in.
    public static func initialStatus(mode: DeploymentMode, enabled: Bool) -> DeploymentStatus {
        guard enabled else { return .disabled }
        return mode == .lowLatency ? .starting : .ready
    }

    public mutating func handle(_ event: Event) -> Action {
        let current = status
        let next: DeploymentStatus
        var message: String?
        switch (current, event) {
        case (.disabled, .workerStarting), (.disabled, .workerReady), (.disabled, .workerLost), (.disabled, .workerFailed):
            return .reject(reason: "the deployment is disabled")
        case (_, .workerStarting):
            next = .starting
        case (.starting, .workerReady), (.restarting, .workerReady):
            next = .ready
        case (.starting, .workerFailed(let text)), (.restarting, .workerFailed(let text)), (.ready, .workerFailed(let text)):
            next = .failed
            message = text
        case (.ready, .workerLost(let text)):
            next = .restarting
            message = text
        case (.disabled, .disable):
            return .reject(reason: "the deployment is already disabled")
        case (_, .disable):
            next = .disabled
        case (.disabled, .enable(let mode)):
            next = mode == .lowLatency ? .starting : .ready
        case (_, .enable):
            return .reject(reason: "the deployment is already enabled")
        default:
            return .reject(reason: "event not allowed in status \(current.rawValue)")
        }
        status = next
        return .transition(from: current, to: next, message: message)
    }
}
