import Foundation
import SlipwayCore

extension WorkerSupervisor {
    /// What the I/O owner does, outside its lock, in the order given.
    enum Action {
        /// Open the pipes of process `generation`, then report `.pipesOpened` (or `.exited` if
        /// they cannot be opened).
        case spawn(generation: Int)
        /// Spawn process `generation` on its pipes after `delay`, read them, and report what it
        /// says, its pid and its exit.
        case launch(generation: Int, channel: Channel, delay: Duration)
        /// Close pipes that no process will use.
        case discard(Channel)
        /// Write the request of an execution to the process.
        case send(Channel, Request)
        /// Hand an execution its outcome.
        case complete(Request, WorkerOutcome)
        /// A status change for the deployment, with the line for its logs.
        case status(DeploymentStateMachine.Event, String)
        /// A line for the deployment's logs only.
        case log(String)
        /// Ask the process to finish (its running executions may end) and report
        /// `.graceExpired` after `grace`.
        case terminate(generation: Int, channel: Channel, grace: Duration)
        /// Kill the process group at once.
        case kill(pid: Int32)
        /// Report `.deadlineCheck` after this delay.
        case scheduleDeadlineCheck(after: Duration)
        /// The worker stopped for good and its last process is gone: remove its folder.
        case removeWorkingDirectory
    }

    /// The answer to `admit()`.
    enum Admission: Equatable {
        /// A place is reserved; `startsNow` when it is a free slot rather than a queue place.
        case admitted(ticket: UInt64, startsNow: Bool)
        /// Every slot is busy and the queue is full.
        case queueFull(limit: Int)
        /// The worker takes no executions (stopped, failed or retiring).
        case notRunning
    }
}

extension WorkerSupervisor.Action: Equatable where Request: Equatable, Channel: Equatable {}
extension WorkerSupervisor.Action: Sendable where Request: Sendable, Channel: Sendable {}
