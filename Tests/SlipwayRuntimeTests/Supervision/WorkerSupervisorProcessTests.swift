import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// Life of the processes: start, ready, failed starts, crash replacement with backoff, load errors.
@Suite("WorkerSupervisor: processes")
struct WorkerSupervisorProcessTests {
    static let readyLine = "Worker ready: step module imported successfully"

    @Test func startOpensPipesThenLaunches() {
        var machine = Machine.make()
        #expect(machine.isStopped, "idle: nothing runs")
        #expect(machine.handle(.start) == [.status(.workerStarting, "Starting the worker"), .spawn(generation: 1)])
        #expect(machine.phase == .starting(attempt: 1))
        #expect(machine.handle(.start) == [], "started once")
        #expect(machine.processCount == 1)
        #expect(machine.handle(.pipesOpened(generation: 1, channel: 101, at: Time.date))
            == [.launch(generation: 1, channel: 101, delay: .zero)])
        #expect(machine.process?.startedAt == Time.date)
        #expect(machine.handle(.pipesOpened(generation: 1, channel: 999, at: Time.date)) == [.discard(999)],
                "pipes that are not asked for are closed")
        #expect(machine.handle(.pipesOpened(generation: 7, channel: 107, at: Time.date)) == [.discard(107)])
        #expect(machine.handle(.attached(generation: 1, pid: 1001)) == [])
        #expect(machine.process?.pid == 1001)
        #expect(machine.handle(.ready(generation: 1, at: Time.at(0))) == [.status(.workerReady, Self.readyLine)])
        #expect(machine.phase == .ready)
        #expect(!machine.isStopped)
        #expect(machine.handle(.ready(generation: 1, at: Time.at(1))) == [], "ready once")
    }

    @Test func failedStartsAreRetriedWithBackoffThenGivenUp() {
        var machine = Machine.starting(maxStartAttempts: 3)
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "q") == [])
        #expect(machine.exit(1, "exit code 1") == [
            .status(.workerLost("exit code 1"), "Worker exited while starting (exit code 1); retrying"),
            .spawn(generation: 2),
        ])
        #expect(machine.phase == .starting(attempt: 2))
        #expect(machine.bringUp(2) == [.launch(generation: 2, channel: 102, delay: .milliseconds(250))])
        #expect(machine.exit(2, "exit code 2") == [
            .status(.workerLost("exit code 2"), "Worker exited while starting (exit code 2); retrying"),
            .spawn(generation: 3),
        ])
        #expect(machine.bringUp(3) == [.launch(generation: 3, channel: 103, delay: .milliseconds(500))])
        let message = "the worker failed to start 3 times in a row; last: exit code 3"
        #expect(machine.exit(3, "exit code 3") == [
            .complete("q", .unavailable(Machine.stoppedBeforeStart)),
            .status(.workerFailed(message), "Giving up: \(message)"),
            .removeWorkingDirectory,
        ])
        #expect(machine.phase == .failed(message))
        #expect(machine.isStopped)
        #expect(machine.process == nil)
        // Nothing more happens on its own.
        #expect(machine.exit(3) == [])
        #expect(machine.handle(.ready(generation: 3, at: Time.at(9))) == [])
        #expect(machine.handle(.start) == [])
    }

    @Test(arguments: [1, 2, 5])
    func givesUpAfterMaxStartAttempts(_ max: Int) {
        var machine = Machine.starting(maxStartAttempts: max)
        var delays: [Duration] = []
        for attempt in 1...max {
            let actions = machine.exit(attempt, "crash \(attempt)")
            if attempt < max {
                #expect(machine.phase == .starting(attempt: attempt + 1))
                #expect(actions.last == .spawn(generation: attempt + 1))
                for case .launch(_, _, let delay) in machine.bringUp(attempt + 1) { delays.append(delay) }
            } else {
                guard case .failed(let text) = machine.phase else {
                    Issue.record("expected failed after \(attempt) attempts, got \(machine.phase)")
                    return
                }
                #expect(text == "the worker failed to start \(max) times in a row; last: crash \(max)")
                #expect(!actions.contains { if case .spawn = $0 { true } else { false } }, "no spawn after giving up")
            }
        }
        #expect(delays == (1..<max).map { Machine.backoff(attempt: $0 + 1) })
    }

    @Test func pipesThatCannotBeOpenedCountAsAFailedStart() {
        var machine = Machine.make()
        _ = machine.handle(.start)
        #expect(machine.exit(1, "could not create the worker's pipes: EMFILE") == [
            .status(.workerLost("could not create the worker's pipes: EMFILE"),
                    "Worker exited while starting (could not create the worker's pipes: EMFILE); retrying"),
            .spawn(generation: 2),
        ])
    }

    @Test func aSuccessfulStartResetsTheAttemptCount() {
        var machine = Machine.starting(maxStartAttempts: 2)
        _ = machine.exit(1, "first")
        _ = machine.bringUp(2)
        #expect(machine.phase == .starting(attempt: 2))
        _ = machine.handle(.ready(generation: 2, at: Time.at(0)))
        // A ready process that dies is replaced, with a fresh budget of attempts.
        #expect(machine.exit(2, "OOM", at: 100) == [
            .status(.workerLost("OOM"), "Worker lost (OOM); starting a replacement"), .spawn(generation: 3),
        ])
        #expect(machine.phase == .starting(attempt: 1))
        #expect(machine.bringUp(3) == [.launch(generation: 3, channel: 103, delay: .zero)])
        _ = machine.exit(3, "again")
        #expect(machine.phase == .starting(attempt: 2))
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

    /// Ready, then lost 2 s later, five times: each replacement waits longer.
    @Test func aProcessLostSoonAfterItsReadyIsReplacedWithAGrowingDelay() {
        var machine = Machine.starting()
        var delays: [Duration] = []
        var logs: [String] = []
        var now = 0.0
        for generation in 1...5 {
            if generation > 1 {
                for case .launch(_, _, let delay) in machine.bringUp(generation) { delays.append(delay) }
            }
            _ = machine.handle(.ready(generation: generation, at: Time.at(now)))
            now += 2
            for case .status(_, let log) in machine.exit(generation, "killed by signal 6", at: now) { logs.append(log) }
            #expect(machine.phase == .starting(attempt: 1), "a lost ready process is always replaced")
        }
        for case .launch(_, _, let delay) in machine.bringUp(6) { delays.append(delay) }
        #expect(delays == [.zero, .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2)])
        #expect(machine.quickLosses == 5)
        #expect(logs[0] == "Worker lost (killed by signal 6); starting a replacement")
        #expect(logs[1] == "Worker lost (killed by signal 6); starting a replacement in 0.25 s "
            + "(lost 2 times in a row, each within 60 s of its start)")
        #expect(logs[4].hasSuffix("in 2 s (lost 5 times in a row, each within 60 s of its start)"))
    }

    /// A process that was ready for longer than the stable uptime is replaced at once, and the
    /// count of quick losses starts again.
    @Test func theBackoffIsResetAfterAStableUptime() {
        var machine = Machine.starting()
        var generation = 1
        var now = 0.0
        func cycle(uptime: Double) -> [Duration] {
            _ = machine.handle(.ready(generation: generation, at: Time.at(now)))
            now += uptime
            _ = machine.exit(generation, "crash", at: now)
            generation += 1
            return machine.bringUp(generation).compactMap { if case .launch(_, _, let d) = $0 { d } else { nil } }
        }
        for _ in 1...3 { _ = cycle(uptime: 1) }
        #expect(machine.quickLosses == 3)
        #expect(cycle(uptime: 600) == [.zero])
        #expect(machine.quickLosses == 1)
        #expect(cycle(uptime: 1) == [.milliseconds(250)])
        // Never longer than the cap.
        for _ in 1...20 { #expect(cycle(uptime: 0).allSatisfy { $0 <= .seconds(5) }) }
        #expect(cycle(uptime: 59.9) == [.seconds(5)], "just under the stable uptime still counts as quick")
        #expect(cycle(uptime: 60) == [.zero], "the stable uptime itself is stable")
    }

    @Test func aLoadErrorIsNotRetried() {
        var machine = Machine.starting()
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "q") == [])
        let text = "ModuleNotFoundError: numpy"
        #expect(machine.handle(.loadFailed(generation: 1, text)) == [
            .complete("q", .unavailable(Machine.stoppedBeforeStart)),
            .status(.workerFailed(text), "The step module could not be imported: \(text)"),
        ])
        #expect(machine.phase == .failed(text))
        #expect(machine.isStopped)
        #expect(machine.admit() == .notRunning)
        // The process exits on its own afterwards: it is not replaced, its folder goes.
        #expect(machine.exit(1, "exit code 1") == [.removeWorkingDirectory])
        #expect(machine.handle(.stop) == [])
        #expect(machine.phase == .stopped)
    }

    @Test func aLoadErrorOfAReadyProcessFailsWhatItRuns() {
        var machine = Machine.ready(concurrency: 1)
        _ = machine.run("a")
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        #expect(machine.handle(.loadFailed(generation: 1, "bad")) == [
            .complete("a", .crashed("bad")),
            .complete("b", .unavailable(Machine.stoppedBeforeStart)),
            .status(.workerFailed("bad"), "The step module could not be imported: bad"),
        ])
        #expect(!machine.handle(.loadFailed(generation: 1, "again")).contains { if case .spawn = $0 { true } else { false } })
        #expect(machine.phase == .failed("bad"))
    }

    /// The machine's reports, fed to the deployment's machine, give the statuses the SDK expects.
    @Test func reportsDriveTheDeploymentStatus() {
        var worker = Machine.make(maxStartAttempts: 2)
        var deployment = DeploymentStateMachine(status: .starting)
        var generation = 0
        func feed(_ actions: [Action]) {
            for action in actions {
                switch action {
                case .status(let event, _): _ = deployment.handle(event)
                case .spawn(let next):
                    generation = next
                    feed(worker.bringUp(next))
                default: break
                }
            }
        }
        feed(worker.handle(.start))
        #expect(deployment.status == .starting)
        feed(worker.handle(.ready(generation: generation, at: Time.at(0))))
        #expect(deployment.status == .ready)
        feed(worker.exit(generation, "OOM"))
        #expect(deployment.status == .restarting)
        feed(worker.exit(generation, "crash while starting"))
        #expect(deployment.status == .restarting)
        feed(worker.handle(.ready(generation: generation, at: Time.at(2))))
        #expect(deployment.status == .ready)
        feed(worker.exit(generation, "segfault", at: 3))
        feed(worker.exit(generation, "segfault", at: 3))
        feed(worker.exit(generation, "segfault", at: 3))
        #expect(deployment.status == .failed)

        var failing = Machine.starting()
        var other = DeploymentStateMachine(status: .starting)
        for case .status(let event, _) in failing.handle(.loadFailed(generation: 1, "SyntaxError")) {
            _ = other.handle(event)
        }
        #expect(other.status == .failed)
    }
}
