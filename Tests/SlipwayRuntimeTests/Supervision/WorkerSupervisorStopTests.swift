import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// Stop (disable, delete, shutdown) and retirement after a reload.
@Suite("WorkerSupervisor: stop and reload")
struct WorkerSupervisorStopTests {
    /// Running executions get the grace period (the process is asked to finish, then killed);
    /// queued ones fail at once.
    @Test func stopWithRunningAndQueuedExecutions() {
        var machine = Machine.ready(concurrency: 2, queueLimit: 5, timeout: .seconds(10))
        _ = machine.run("a")
        _ = machine.run("b")
        let queued = machine.ticket(startsNow: false)
        let notSubmitted = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "q") == [])
        #expect(machine.handle(.stop) == [
            .terminate(generation: 1, channel: 101, grace: .seconds(10)),
            .complete("q", .unavailable(Machine.stoppedBeforeStart)),
        ])
        #expect(machine.phase == .stopping)
        #expect(!machine.isStopped)
        #expect(machine.waiting.isEmpty)
        #expect(machine.submit(notSubmitted, "n") == [.complete("n", .unavailable(Machine.notRunning))])
        #expect(machine.release(notSubmitted) == [])
        // Within the grace period a running execution still answers.
        #expect(machine.answer("a") == [.complete("a", returned("a"))])
        #expect(machine.handle(.graceExpired(generation: 1)) == [.kill(pid: Machine.pid(1))])
        #expect(machine.exit(1, "the worker process was killed (SIGKILL: timeout or out of memory)") == [
            .complete("b", .crashed(Machine.stopped)), .removeWorkingDirectory,
        ])
        #expect(machine.phase == .stopped)
        #expect(machine.isStopped)
        #expect(machine.handle(.graceExpired(generation: 1)) == [], "the process is gone")
        #expect(machine.answer("b") == [])
    }

    @Test func aStoppedProcessThatFinishesInTimeIsNotKilled() {
        var machine = Machine.ready()
        _ = machine.run("a")
        _ = machine.handle(.stop)
        #expect(machine.answer("a") == [.complete("a", returned("a"))])
        #expect(machine.exit(1, "the worker process exited with code 0") == [.removeWorkingDirectory])
        #expect(machine.handle(.graceExpired(generation: 1)) == [])
    }

    @Test func aDoubleStopDoesNothingMore() {
        var machine = Machine.ready()
        _ = machine.run("a")
        #expect(machine.handle(.stop) == [.terminate(generation: 1, channel: 101, grace: .seconds(30))])
        #expect(machine.handle(.stop) == [])
        #expect(machine.handle(.retire) == [])
        _ = machine.exit()
        #expect(machine.handle(.stop) == [])
        #expect(machine.phase == .stopped)
    }

    @Test func stopWithoutAProcess() {
        var idle = Machine.make()
        #expect(idle.handle(.stop) == [])
        #expect(idle.phase == .stopped)
        #expect(idle.handle(.start) == [], "a stopped worker is not started again")

        var failed = Machine.starting()
        _ = failed.handle(.loadFailed(generation: 1, "x"))
        #expect(failed.handle(.stop) == [])
        #expect(failed.phase == .stopped)
    }

    @Test func stopWhileStartingTerminatesTheStartingProcess() {
        var machine = Machine.starting()
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "q") == [])
        #expect(machine.handle(.stop) == [
            .terminate(generation: 1, channel: 101, grace: .seconds(30)),
            .complete("q", .unavailable(Machine.stoppedBeforeStart)),
        ])
        #expect(machine.handle(.ready(generation: 1, at: Time.at(1))) == [], "too late to be ready")
        #expect(machine.handle(.loadFailed(generation: 1, "x")) == [], "a load error while stopping ends the stop")
        #expect(machine.phase == .stopped)
        #expect(machine.exit() == [.removeWorkingDirectory])
    }

    @Test func stopBeforeThePipesAreOpen() {
        var machine = Machine.make()
        _ = machine.handle(.start)
        #expect(machine.handle(.stop) == [])
        #expect(machine.phase == .stopped)
        #expect(machine.handle(.pipesOpened(generation: 1, channel: 101, at: Time.date)) == [.discard(101)])
        #expect(machine.exit(1) == [], "pipes that could not be opened for it change nothing")

        // Same for a replacement stopped during its backoff.
        var replacing = Machine.ready()
        _ = replacing.exit()
        #expect(replacing.handle(.stop) == [])
        #expect(replacing.handle(.pipesOpened(generation: 2, channel: 102, at: Time.date)) == [.discard(102)])
    }

    /// A reload retires the worker: nothing new is admitted, what it admitted (running and
    /// queued) finishes, then it stops. Its reports become log lines.
    @Test func reloadDrainsRunningAndQueuedThenStops() {
        var machine = Machine.ready(concurrency: 1, queueLimit: 5)
        _ = machine.run("a")
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        let third = machine.ticket(startsNow: false)
        #expect(machine.handle(.retire) == [])
        #expect(machine.retiring)
        #expect(machine.admit() == .notRunning)
        #expect(machine.answer("a") == [.complete("a", returned("a")), .send(101, "b")])
        #expect(machine.answer("b") == [.complete("b", returned("b"))], "ticket 3 takes the slot")
        #expect(machine.submit(third, "c") == [.send(101, "c")])
        #expect(machine.answer("c") == [
            .complete("c", returned("c")), .terminate(generation: 1, channel: 101, grace: .seconds(30)),
        ], "drained: it stops")
        #expect(machine.phase == .stopping)
        #expect(machine.exit(1, "the worker process exited with code 0") == [.removeWorkingDirectory])
        #expect(machine.isStopped)
    }

    @Test func aRetiredTicketReleasedUnusedEndsTheDrain() {
        var machine = Machine.ready(concurrency: 1)
        let granted = machine.ticket(startsNow: true)
        #expect(machine.handle(.retire) == [], "an admitted ticket is waited for")
        #expect(machine.release(granted) == [.terminate(generation: 1, channel: 101, grace: .seconds(30))])
    }

    @Test func retiringADrainedWorkerStopsIt() {
        var ready = Machine.ready()
        #expect(ready.handle(.retire) == [.terminate(generation: 1, channel: 101, grace: .seconds(30))])
        #expect(ready.phase == .stopping)

        var starting = Machine.starting()
        let queued = starting.ticket(startsNow: false)
        #expect(starting.submit(queued, "q") == [])
        #expect(starting.handle(.retire) == [
            .terminate(generation: 1, channel: 101, grace: .seconds(30)),
            .complete("q", .unavailable(Machine.stoppedBeforeStart)),
        ], "a worker that is not ready stops at once")

        var idle = Machine.make()
        #expect(idle.handle(.retire) == [])
        #expect(idle.phase == .stopped)
    }

    /// A retiring worker whose process dies is not replaced.
    @Test func aRetiringWorkerIsNotReplaced() {
        var machine = Machine.ready(concurrency: 1)
        _ = machine.run("a")
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        _ = machine.handle(.retire)
        #expect(machine.exit(1, "segfault") == [
            .complete("a", .crashed("segfault")),
            .complete("b", .unavailable(Machine.stoppedBeforeStart)),
            .removeWorkingDirectory,
        ])
        #expect(machine.phase == .stopped)
        #expect(machine.processCount == 1)
    }

    @Test func aTimeoutInARetiringWorker() {
        var machine = Machine.ready(concurrency: 2, timeout: .seconds(5))
        _ = machine.run("a", timeout: .seconds(5))
        _ = machine.run("b")
        _ = machine.handle(.retire)
        #expect(machine.handle(.deadlineCheck(at: Time.at(6))) == [.kill(pid: Machine.pid(1)), Machine.check])
        #expect(machine.exit(1, "killed", at: 6) == [
            .complete("a", .timedOut(.seconds(5))),
            .log("Execution \"a\" exceeded its timeout of 5 s; the worker was stopped"),
            .complete("b", .crashed("killed")),
            .removeWorkingDirectory,
        ])
    }

    @Test func theStatusOfARetiringWorkerIsOnlyLogged() {
        var machine = Machine.ready()
        _ = machine.run("a")
        _ = machine.handle(.retire)
        #expect(machine.handle(.loadFailed(generation: 1, "late import error")) == [
            .complete("a", .crashed("late import error")),
            .log("The step module could not be imported: late import error"),
        ])
    }

    @Test func stoppingARetiringWorker() {
        var machine = Machine.ready(concurrency: 1)
        _ = machine.run("a")
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        _ = machine.handle(.retire)
        #expect(machine.handle(.stop) == [
            .terminate(generation: 1, channel: 101, grace: .seconds(30)),
            .complete("b", .unavailable(Machine.stoppedBeforeStart)),
        ])
        #expect(machine.answer("a") == [.complete("a", returned("a"))], "the running one may still finish")
    }
}
