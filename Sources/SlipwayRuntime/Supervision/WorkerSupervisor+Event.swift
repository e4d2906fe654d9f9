import Foundation
import SlipwayCore

extension WorkerSupervisor {
    /// What happened to the worker, its process or one of its executions. Processes are named by
    /// their generation (1 for the first, then one more per replacement): what a previous
    /// process says or does after it was replaced is ignored.
    enum Event {
        /// Start the first process.
        case start
        /// The pipes of process `generation` are open (answer to `.spawn`).
        case pipesOpened(generation: Int, channel: Channel, at: Date)
        /// The process has been spawned with this pid.
        case attached(generation: Int, pid: Int32)
        /// The process imported the step module and takes executions.
        case ready(generation: Int, at: ContinuousClock.Instant)
        /// The process could not import the step module: another one would fail the same way.
        case loadFailed(generation: Int, String)
        /// The process answered an execution.
        case result(generation: Int, executionID: String, WorkerOutcome, at: ContinuousClock.Instant)
        /// The process ended (or could not be spawned), described for the executions it fails.
        case exited(generation: Int, String, at: ContinuousClock.Instant)
        /// The job of an admitted ticket, ready to be sent once the ticket has a slot.
        case submit(ticket: UInt64, executionID: String, timeout: Duration, Request, at: ContinuousClock.Instant)
        /// The ticket is given back: unused (a slot or queue place freed), or after its job ran (no-op).
        case release(ticket: UInt64, at: ContinuousClock.Instant)
        /// Time to compare the running executions with their deadlines (after `.scheduleDeadlineCheck`).
        case deadlineCheck(at: ContinuousClock.Instant)
        /// The grace period of a stop (after `.terminate`) is over.
        case graceExpired(generation: Int)
        /// A reload replaced this worker: admit nothing, finish what was admitted, then stop.
        case retire
        /// Stop for good (disable, delete, server shutdown).
        case stop
    }
}

extension WorkerSupervisor.Event: Sendable where Request: Sendable, Channel: Sendable {}
