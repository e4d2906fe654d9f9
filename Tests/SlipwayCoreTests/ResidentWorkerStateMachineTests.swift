import Testing

@testable import SlipwayCore

@Suite("ResidentWorkerStateMachine")
struct ResidentWorkerStateMachineTests {
    typealias Machine = ResidentWorkerStateMachine

    /// A machine driven to `state` through its public events.
    static func machine(in state: Machine.State, maxStartAttempts: Int = 3) -> Machine {
        var machine = Machine(maxStartAttempts: maxStartAttempts)
        switch state {
        case .idle:
            break
        case .starting(let attempt):
            _ = machine.handle(.start)
            for _ in 1..<attempt { _ = machine.handle(.exited("crash")) }
        case .ready:
            _ = machine.handle(.start)
            _ = machine.handle(.ready)
        case .stopping:
            _ = machine.handle(.start)
            _ = machine.handle(.stop)
        case .stopped:
            _ = machine.handle(.stop)
        case .failed(let text):
            _ = machine.handle(.start)
            _ = machine.handle(.loadFailed(text))
        }
        #expect(machine.state == state, "fixture could not reach \(state)")
        return machine
    }

    static let allStates: [Machine.State] = [.idle, .starting(attempt: 1), .starting(attempt: 2), .ready, .stopping,
                                             .stopped, .failed("boom")]
    static let allEvents: [Machine.Event] = [.start, .ready, .loadFailed("ImportError"), .exited("signal 9"), .stop,
                                             .stoppedCompletely]

    /// The state each accepted (state, event) pair leads to; nil means ignored (`[.none]`, no change).
    static func expectedNext(_ state: Machine.State, _ event: Machine.Event, max: Int) -> Machine.State? {
        switch (state, event) {
        case (.idle, .start), (.stopped, .start), (.failed, .start): .starting(attempt: 1)
        case (.starting, .ready): .ready
        case (.starting, .loadFailed(let text)), (.ready, .loadFailed(let text)): .failed(text)
        case (.starting(let attempt), .exited(let text, _)):
            attempt < max ? .starting(attempt: attempt + 1)
                : .failed("the worker failed to start \(attempt) times in a row; last: \(text)")
        case (.ready, .exited): .starting(attempt: 1)
        case (.starting, .stop), (.ready, .stop): .stopping
        case (.stopping, .exited), (.stopping, .stoppedCompletely), (.stopping, .loadFailed): .stopped
        case (.idle, .stop), (.failed, .stop): .stopped
        default: nil
        }
    }

    @Test func everyStateAndEvent() {
        for state in Self.allStates {
            for event in Self.allEvents {
                var machine = Self.machine(in: state)
                let actions = machine.handle(event)
                if let next = Self.expectedNext(state, event, max: 3) {
                    #expect(machine.state == next, "\(state) + \(event)")
                    #expect(!actions.contains(.none), "\(state) + \(event): \(actions)")
                } else {
                    #expect(actions == [.none], "\(state) + \(event) should be ignored, got \(actions)")
                    #expect(machine.state == state, "\(state) + \(event) must not change the state")
                }
            }
        }
    }

    @Test func startSpawnsAtOnceAndReports() {
        var machine = Machine()
        #expect(machine.state == .idle)
        #expect(machine.maxStartAttempts == 3)
        #expect(!machine.acceptsExecutions)
        #expect(machine.handle(.start) == [.spawn(delay: .zero), .report(.workerStarting, log: "Starting the worker")])
        #expect(machine.state == .starting(attempt: 1))
        #expect(!machine.acceptsExecutions)
        #expect(machine.handle(.ready) ==
            [.report(.workerReady, log: "Worker ready: step module imported successfully")])
        #expect(machine.state == .ready)
        #expect(machine.acceptsExecutions)
    }

    @Test func restartsWithBackoffThenGivesUp() {
        var machine = Machine(maxStartAttempts: 3)
        _ = machine.handle(.start)
        #expect(machine.handle(.exited("exit code 1")) == [
            .failInFlight("exit code 1"), .spawn(delay: .milliseconds(250)),
            .report(.workerLost("exit code 1"), log: "Worker exited while starting (exit code 1); retrying"),
        ])
        #expect(machine.state == .starting(attempt: 2))
        #expect(machine.handle(.exited("exit code 2")) == [
            .failInFlight("exit code 2"), .spawn(delay: .milliseconds(500)),
            .report(.workerLost("exit code 2"), log: "Worker exited while starting (exit code 2); retrying"),
        ])
        #expect(machine.state == .starting(attempt: 3))
        let message = "the worker failed to start 3 times in a row; last: exit code 3"
        #expect(machine.handle(.exited("exit code 3")) ==
            [.failInFlight(message), .report(.workerFailed(message), log: "Giving up: \(message)")])
        #expect(machine.state == .failed(message))
        #expect(!machine.acceptsExecutions)
        // Nothing more happens on its own…
        #expect(machine.handle(.exited("late")) == [.none])
        #expect(machine.handle(.ready) == [.none])
        // …but an explicit start (reload/enable) begins afresh.
        #expect(machine.handle(.start) == [.spawn(delay: .zero), .report(.workerStarting, log: "Starting the worker")])
        #expect(machine.state == .starting(attempt: 1))
    }

    @Test(arguments: [1, 2, 5])
    func givesUpAfterMaxStartAttempts(_ max: Int) {
        var machine = Machine(maxStartAttempts: max)
        _ = machine.handle(.start)
        var spawns: [Duration] = []
        for attempt in 1...max {
            let actions = machine.handle(.exited("crash \(attempt)"))
            for case .spawn(let delay) in actions { spawns.append(delay) }
            if attempt < max {
                #expect(machine.state == .starting(attempt: attempt + 1))
            } else {
                guard case .failed(let text) = machine.state else {
                    Issue.record("expected failed after \(attempt) attempts, got \(machine.state)")
                    return
                }
                #expect(text.contains("\(max) times"))
                #expect(text.contains("crash \(max)"))
                #expect(!actions.contains { if case .spawn = $0 { true } else { false } }, "no spawn after giving up")
            }
        }
        #expect(spawns == (1..<max).map { Machine.backoff(attempt: $0 + 1) })
    }

    @Test func successfulStartResetsTheAttemptCount() {
        var machine = Machine(maxStartAttempts: 2)
        _ = machine.handle(.start)
        _ = machine.handle(.exited("first"))
        #expect(machine.state == .starting(attempt: 2))
        _ = machine.handle(.ready)
        // A ready worker that dies is replaced at once, with a fresh budget of attempts.
        #expect(machine.handle(.exited("OOM")) == [
            .failInFlight("OOM"), .spawn(delay: .zero),
            .report(.workerLost("OOM"), log: "Worker lost (OOM); starting a replacement"),
        ])
        #expect(machine.state == .starting(attempt: 1))
        _ = machine.handle(.exited("again"))
        #expect(machine.state == .starting(attempt: 2))
    }

    @Test func loadErrorIsNotRetried() {
        var machine = Machine()
        _ = machine.handle(.start)
        let actions = machine.handle(.loadFailed("ModuleNotFoundError: numpy"))
        #expect(actions == [
            .failInFlight("ModuleNotFoundError: numpy"),
            .report(.workerFailed("ModuleNotFoundError: numpy"),
                    log: "The step module could not be imported: ModuleNotFoundError: numpy"),
        ])
        #expect(!actions.contains { if case .spawn = $0 { true } else { false } })
        #expect(machine.state == .failed("ModuleNotFoundError: numpy"))

        // Same from a ready worker (e.g. a reload whose import fails late).
        var ready = Self.machine(in: .ready)
        let fromReady = ready.handle(.loadFailed("bad"))
        #expect(!fromReady.contains { if case .spawn = $0 { true } else { false } })
        #expect(ready.state == .failed("bad"))
    }

    @Test func stopWhileRunningTerminatesThenFailsInFlight() {
        var machine = Self.machine(in: .ready)
        #expect(machine.handle(.stop) == [.terminateProcess])
        #expect(machine.state == .stopping)
        #expect(!machine.acceptsExecutions)
        // The process exit caused by the stop is not a crash: no restart.
        #expect(machine.handle(.exited("signal 15")) == [.failInFlight("the deployment's worker was stopped")])
        #expect(machine.state == .stopped)
        #expect(machine.handle(.stop) == [.none])

        var starting = Self.machine(in: .starting(attempt: 2))
        #expect(starting.handle(.stop) == [.terminateProcess])
        #expect(starting.handle(.stoppedCompletely) == [.failInFlight("the deployment's worker was stopped")])
        #expect(starting.state == .stopped)

        var loading = Self.machine(in: .stopping)
        #expect(loading.handle(.loadFailed("x")) == [.failInFlight("the deployment's worker was stopped")])
        #expect(loading.state == .stopped)
    }

    @Test func stopWithoutProcess() {
        var idle = Machine()
        #expect(idle.handle(.stop) == [])
        #expect(idle.state == .stopped)
        var failed = Self.machine(in: .failed("x"))
        #expect(failed.handle(.stop) == [])
        #expect(failed.state == .stopped)
        #expect(failed.handle(.start) == [.spawn(delay: .zero), .report(.workerStarting, log: "Starting the worker")])
    }

    @Test func eventsWhileStoppingAreIgnored() {
        var machine = Self.machine(in: .stopping)
        #expect(machine.handle(.start) == [.none])
        #expect(machine.handle(.ready) == [.none])
        #expect(machine.handle(.stop) == [.none])
        #expect(machine.state == .stopping)
    }

    @Test func backoffSchedule() {
        #expect(Machine.backoff(attempt: 0) == .zero)
        #expect(Machine.backoff(attempt: 1) == .zero)
        #expect(Machine.backoff(attempt: 2) == .milliseconds(250))
        #expect(Machine.backoff(attempt: 3) == .milliseconds(500))
        #expect(Machine.backoff(attempt: 4) == .milliseconds(1_000))
        #expect(Machine.backoff(attempt: 5) == .milliseconds(2_000))
        #expect(Machine.backoff(attempt: 6) == .milliseconds(4_000))
        #expect(Machine.backoff(attempt: 7) == .milliseconds(5_000), "capped at 5 s")
        #expect(Machine.backoff(attempt: 100) == .milliseconds(5_000))
        #expect(Machine.backoff(attempt: Int.max) == .milliseconds(5_000), "no overflow on absurd attempts")
        var previous = Duration.zero
        for attempt in 1...20 {
            let delay = Machine.backoff(attempt: attempt)
            #expect(delay >= previous, "backoff is monotonic")
            previous = delay
        }
    }

    /// The reports of the worker machine, fed to the deployment machine, give the statuses the
    /// SDK expects.
    @Test func reportsDriveTheDeploymentStatus() {
        var worker = Machine(maxStartAttempts: 2)
        var deployment = DeploymentStateMachine(status: .creationPending)
        func feed(_ event: Machine.Event) {
            for case .report(let report, _) in worker.handle(event) { _ = deployment.handle(report) }
        }
        feed(.start)
        #expect(deployment.status == .creationPending)
        feed(.ready)
        #expect(deployment.status == .up)
        feed(.exited("OOM"))
        #expect(deployment.status == .downRetrying)
        feed(.exited("crash while starting"))
        #expect(deployment.status == .downRetrying)
        feed(.ready)
        #expect(deployment.status == .up)
        feed(.exited("segfault"))
        feed(.exited("segfault"))
        feed(.exited("segfault"))
        #expect(deployment.status == .creationFailed)
        feed(.start)
        #expect(deployment.status == .creationPending)
        feed(.loadFailed("SyntaxError"))
        #expect(deployment.status == .creationFailed)
    }

    @Test func aWorkerLostSoonAfterItsStartIsReplacedWithAGrowingDelay() {
        var machine = Machine(maxStartAttempts: 3, stableUptime: .seconds(60))
        _ = machine.handle(.start)
        var delays: [Duration] = []
        var logs: [String] = []
        for _ in 1...5 {
            _ = machine.handle(.ready)
            let actions = machine.handle(.exited("killed by signal 6", uptime: .seconds(2)))
            for case .spawn(let delay) in actions { delays.append(delay) }
            for case .report(_, let log) in actions { logs.append(log) }
            #expect(machine.state == .starting(attempt: 1), "a lost ready worker is always replaced")
        }
        #expect(delays == [.zero, .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2)])
        #expect(machine.quickLosses == 5)
        #expect(logs[0] == "Worker lost (killed by signal 6); starting a replacement")
        #expect(logs[1] == "Worker lost (killed by signal 6); starting a replacement in 0.25 s "
            + "(lost 2 times in a row, each within 60 s of its start)")
        #expect(logs[4].hasSuffix("in 2 s (lost 5 times in a row, each within 60 s of its start)"))
    }

    @Test func aWorkerThatRanForAWhileIsReplacedAtOnce() {
        var machine = Machine(stableUptime: .seconds(60))
        _ = machine.handle(.start)
        for _ in 1...3 {
            _ = machine.handle(.ready)
            _ = machine.handle(.exited("crash", uptime: .seconds(1)))
        }
        #expect(machine.quickLosses == 3)
        _ = machine.handle(.ready)
        let actions = machine.handle(.exited("crash", uptime: .seconds(600)))
        #expect(actions.contains(.spawn(delay: .zero)))
        #expect(machine.quickLosses == 1)
        // A long wait is never longer than the backoff cap, and an explicit start clears the count.
        for _ in 1...20 {
            _ = machine.handle(.ready)
            for case .spawn(let delay) in machine.handle(.exited("crash", uptime: .zero)) {
                #expect(delay <= .seconds(5))
            }
        }
        _ = machine.handle(.stop)
        _ = machine.handle(.stoppedCompletely)
        _ = machine.handle(.start)
        #expect(machine.quickLosses == 0)
    }
}
