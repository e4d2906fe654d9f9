import Foundation

extension WorkerSupervisor {
    struct Configuration: Sendable, Equatable {
        /// Executions a process runs at once (at least 1).
        var concurrency: Int
        /// Executions that may wait for a slot (at least 0); more are refused.
        var queueLimit: Int
        /// The deployment's execution timeout, as told to a timed-out execution; it also bounds
        /// the grace period of a stop.
        var executionTimeout: Duration
        /// Consecutive failed starts before giving up.
        var maxStartAttempts: Int
        /// A ready process lost sooner than this after its ready counts as crash-looping.
        var stableUptime: Duration
        /// How often sent executions are compared with their deadlines.
        var deadlineCheckInterval: Duration
        /// Longest grace period of a stop.
        var maxStopGrace: Duration

        init(concurrency: Int, queueLimit: Int, executionTimeout: Duration, maxStartAttempts: Int = 3,
             stableUptime: Duration = .seconds(60), deadlineCheckInterval: Duration = .milliseconds(200),
             maxStopGrace: Duration = .seconds(30)) {
            self.concurrency = max(1, concurrency)
            self.queueLimit = max(0, queueLimit)
            self.executionTimeout = executionTimeout
            self.maxStartAttempts = max(1, maxStartAttempts)
            self.stableUptime = stableUptime
            self.deadlineCheckInterval = deadlineCheckInterval
            self.maxStopGrace = maxStopGrace
        }

        /// How long running executions may go on after a stop.
        var stopGrace: Duration { min(executionTimeout, maxStopGrace) }
    }
}
