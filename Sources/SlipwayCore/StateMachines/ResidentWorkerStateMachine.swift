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
        /// The process ended without being asked to, `uptime` after it was spawned.
        case exited(String, uptime: Duration = .zero)
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
    /// A ready worker that dies sooner than this after its start counts as crash-looping.
    public let stableUptime: Duration
    /// Consecutive losses of a ready worker, each sooner than `stableUptime` after its start.
    public private(set) var quickLosses = 0

    public init(maxStartAttempts: Int = 3, stableUptime: Duration = .seconds(60)) {
        self.maxStartAttempts = maxStartAttempts
        self.stableUptime = stableUptime
    }

    /// Backoff before the n-th consecutive start attempt (1-based).
    public static func backoff(attempt: Int) -> Duration {
        attempt <= 1 ? .zero : .milliseconds(min(5_000, 250 << min(attempt - 2, 8)))
    }

    public var acceptsExecutions: Bool { state == .ready }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.idle, .start), (.stopped, .start), (.failed, .start):
            state = .starting(attempt: 1)
            quickLosses = 0
            return [.spawn(delay: .zero), .report(.workerStarting, log: "Starting the worker")]
        case (.starting, .ready):
            state = .ready
            return [.report(.workerReady, log: "Worker ready: step module imported successfully")]
        case (.starting, .loadFailed(let text)), (.ready, .loadFailed(let text)):
            state = .failed(text)
            return [.failInFlight(text), .report(.workerFailed(text), log: "The step module could not be imported: \(text)")]
        case (.starting(let attempt), .exited(let text, _)):
            guard attempt < maxStartAttempts else {
                let message = "the worker failed to start \(attempt) times in a row; last: \(text)"
                state = .failed(message)
                return [.failInFlight(message), .report(.workerFailed(message), log: "Giving up: \(message)")]
            }
            state = .starting(attempt: attempt + 1)
            return [.failInFlight(text), .spawn(delay: Self.backoff(attempt: attempt + 1)),
                    .report(.workerLost(text), log: "Worker exited while starting (\(text)); retrying")]
        case (.ready, .exited(let text, let uptime)):
            // A worker that keeps dying soon after its start (a crash in a background thread of
            // the step module, an execution that always kills it) is replaced with a growing
            // delay instead of in a tight loop; one that ran for a while is replaced at once.
            quickLosses = uptime < stableUptime ? quickLosses + 1 : 1
            state = .starting(attempt: 1)
            let delay = Self.backoff(attempt: quickLosses)
            let when = delay == .zero ? "" : " in \(Self.describe(delay)) (lost \(quickLosses) times in a row, "
                + "each within \(Self.describe(stableUptime)) of its start)"
            return [.failInFlight(text), .spawn(delay: delay),
                    .report(.workerLost(text), log: "Worker lost (\(text)); starting a replacement\(when)")]
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
