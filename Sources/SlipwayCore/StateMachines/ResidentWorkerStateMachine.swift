import Foundation

/// Life of the resident worker process of a low-latency deployment: started, ready, replaced
/// when it dies, given up on when it cannot come up. Pure: the supervisor actor performs the
/// returned actions.
public struct ResidentWorkerStateMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case idle
        /// Waiting for the worker's `ready` message; `attempt` counts consecutive failed starts.
        case starting(attempt: Int)
        case ready
        /// Stop requested; in-flight executions are being finished or failed.
        case stopping
        case stopped
        case failed(String)
    }

    public enum Event: Sendable, Equatable {
        case start
        case ready
        /// The code could not be imported: a restart would fail the same way.
        case loadFailed(String)
        /// The process ended without being asked to.
        case exited(String)
        case stop
        case stoppedCompletely
    }

    public enum Action: Sendable, Equatable {
        /// Spawn a worker process after `delay`.
        case spawn(delay: Duration)
        /// Tell the deployment (and its logs) what happened.
        case report(DeploymentStateMachine.Event, log: String)
        /// Fail the executions the lost process was running; queued ones wait for the next.
        case failInFlight(String)
        case terminateProcess
        case none
    }

    public private(set) var state: State = .idle
    public let maxStartAttempts: Int

    public init(maxStartAttempts: Int = 3) {
        self.maxStartAttempts = maxStartAttempts
    }

    /// Backoff before the n-th consecutive start attempt (1-based).
    public static func backoff(attempt: Int) -> Duration {
        attempt <= 1 ? .zero : .milliseconds(min(5_000, 250 << min(attempt - 2, 8)))
    }

    public var acceptsExecutions: Bool { state == .ready }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.idle, .start), (.stopped, .start), (.failed, .start):
            state = .starting(attempt: 1)
            return [.spawn(delay: .zero), .report(.workerStarting, log: "Starting the worker")]
        case (.starting, .ready):
            state = .ready
            return [.report(.workerReady, log: "Worker ready: step module imported successfully")]
        case (.starting, .loadFailed(let text)), (.ready, .loadFailed(let text)):
            state = .failed(text)
            return [.failInFlight(text), .report(.workerFailed(text), log: "The step module could not be imported: \(text)")]
        case (.starting(let attempt), .exited(let text)):
            guard attempt < maxStartAttempts else {
                let message = "the worker failed to start \(attempt) times in a row; last: \(text)"
                state = .failed(message)
                return [.failInFlight(message), .report(.workerFailed(message), log: "Giving up: \(message)")]
            }
            state = .starting(attempt: attempt + 1)
            return [.failInFlight(text), .spawn(delay: Self.backoff(attempt: attempt + 1)),
                    .report(.workerLost(text), log: "Worker exited while starting (\(text)); retrying")]
        case (.ready, .exited(let text)):
            state = .starting(attempt: 1)
            return [.failInFlight(text), .spawn(delay: .zero),
                    .report(.workerLost(text), log: "Worker lost (\(text)); starting a replacement")]
        case (.starting, .stop), (.ready, .stop):
            state = .stopping
            return [.terminateProcess]
        case (.stopping, .exited), (.stopping, .stoppedCompletely), (.stopping, .loadFailed):
            state = .stopped
            return [.failInFlight("the deployment's worker was stopped")]
        case (.idle, .stop), (.failed, .stop):
            state = .stopped
            return []
        default:
            return [.none]
        }
    }
}
