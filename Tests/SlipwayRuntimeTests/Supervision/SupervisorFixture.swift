import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// The machine under test: requests are labels (the execution ids), the pipes of process n are
/// channel 100 + n and its pid 1000 + n.
typealias Machine = WorkerSupervisor<String, Int>
typealias Action = Machine.Action

/// Times, as offsets in seconds from one instant (the machine only compares and subtracts them).
enum Time {
    static let origin = ContinuousClock.now
    static func at(_ seconds: Double) -> ContinuousClock.Instant { origin + .milliseconds(Int((seconds * 1000).rounded())) }
    static let date = Date(timeIntervalSince1970: 1_700_000_000)
}

extension WorkerSupervisor where Request == String, Channel == Int {
    static func channel(_ generation: Int) -> Int { 100 + generation }
    static func pid(_ generation: Int) -> Int32 { Int32(1000 + generation) }

    static var crash: String { "the worker process was killed by signal 11" }
    static var check: Action { .scheduleDeadlineCheck(after: .milliseconds(200)) }

    static func make(concurrency: Int = 1, queueLimit: Int = 10, timeout: Duration = .seconds(30),
                     maxStartAttempts: Int = 3) -> Machine {
        Machine(configuration: .init(concurrency: concurrency, queueLimit: queueLimit, executionTimeout: timeout,
                                     maxStartAttempts: maxStartAttempts))
    }

    /// Started: process 1 spawned with open pipes and a pid, not ready yet.
    static func starting(concurrency: Int = 1, queueLimit: Int = 10, timeout: Duration = .seconds(30),
                         maxStartAttempts: Int = 3) -> Machine {
        var machine = make(concurrency: concurrency, queueLimit: queueLimit, timeout: timeout,
                           maxStartAttempts: maxStartAttempts)
        #expect(machine.handle(.start) == [.status(.workerStarting, "Starting the worker"), .spawn(generation: 1)])
        #expect(machine.bringUp(1) == [.launch(generation: 1, channel: 101, delay: .zero)])
        return machine
    }

    /// Process 1 ready.
    static func ready(concurrency: Int = 1, queueLimit: Int = 10, timeout: Duration = .seconds(30)) -> Machine {
        var machine = starting(concurrency: concurrency, queueLimit: queueLimit, timeout: timeout)
        #expect(machine.handle(.ready(generation: 1, at: Time.at(0)))
            == [.status(.workerReady, "Worker ready: step module imported successfully")])
        return machine
    }

    /// Opens the pipes of process `generation` and attaches its pid; returns the launch.
    mutating func bringUp(_ generation: Int) -> [Action] {
        let actions = handle(.pipesOpened(generation: generation, channel: Self.channel(generation), at: Time.date))
        #expect(handle(.attached(generation: generation, pid: Self.pid(generation))) == [])
        return actions
    }

    /// Admits one execution; fails the test if it is refused.
    mutating func ticket(startsNow: Bool? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> UInt64 {
        guard case .admitted(let ticket, let now) = admit() else {
            Issue.record("admission refused", sourceLocation: sourceLocation)
            return 0
        }
        if let startsNow { #expect(now == startsNow, sourceLocation: sourceLocation) }
        return ticket
    }

    mutating func submit(_ ticket: UInt64, _ id: String, timeout: Duration = .seconds(30), at seconds: Double = 0)
        -> [Action] {
        handle(.submit(ticket: ticket, executionID: id, timeout: timeout, id, at: Time.at(seconds)))
    }

    /// Admits and submits one execution.
    mutating func run(_ id: String, timeout: Duration = .seconds(30), at seconds: Double = 0) -> [Action] {
        let ticket = ticket()
        return submit(ticket, id, timeout: timeout, at: seconds)
    }

    mutating func answer(_ id: String, generation: Int = 1, at seconds: Double = 1) -> [Action] {
        handle(.result(generation: generation, executionID: id, .returned(["id": .string(id)]), at: Time.at(seconds)))
    }

    mutating func exit(_ generation: Int = 1, _ text: String = Self.crash, at seconds: Double = 1) -> [Action] {
        handle(.exited(generation: generation, text, at: Time.at(seconds)))
    }

    mutating func release(_ ticket: UInt64, at seconds: Double = 0) -> [Action] {
        handle(.release(ticket: ticket, at: Time.at(seconds)))
    }
}

/// The outcome of `answer(id)`.
func returned(_ id: String) -> WorkerOutcome { .returned(["id": .string(id)]) }
