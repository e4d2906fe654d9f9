import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// Sending, results, deadlines and what a lost process does to the executions.
@Suite("WorkerSupervisor: executions")
struct WorkerSupervisorExecutionTests {
    @Test func aJobWithAFreeSlotIsSentAtOnce() {
        var machine = Machine.ready(concurrency: 2)
        let ticket = machine.ticket(startsNow: true)
        #expect(machine.submit(ticket, "a") == [.send(101, "a"), Machine.check], "the first one starts the deadline checks")
        #expect(machine.run("b") == [.send(101, "b")], "checks already scheduled")
        #expect(machine.runningExecutions == 2)
        #expect(machine.request(forExecution: "a") == "a", "log lines of a go to its request")
        #expect(machine.request(forExecution: "zzz") == nil)
        #expect(machine.answer("a") == [.complete("a", returned("a"))])
        #expect(machine.request(forExecution: "a") == nil)
        #expect(machine.handle(.result(generation: 1, executionID: "b", .raised(type: "ValueError", message: "no"),
                                       at: Time.at(1))) == [.complete("b", .raised(type: "ValueError", message: "no"))])
        #expect(machine.slotsInUse == 0)
    }

    @Test func unknownLateAndDuplicateResultsAreIgnored() {
        var machine = Machine.ready()
        _ = machine.run("a")
        #expect(machine.answer("nobody") == [])
        #expect(machine.answer("a") == [.complete("a", returned("a"))])
        #expect(machine.answer("a") == [], "answered once")
        #expect(machine.slotsInUse == 0)
    }

    @Test func aResultFromAPreviousProcessIsIgnored() {
        var machine = Machine.ready()
        _ = machine.run("a")
        _ = machine.exit()
        _ = machine.bringUp(2)
        _ = machine.handle(.ready(generation: 2, at: Time.at(2)))
        _ = machine.run("b")
        #expect(machine.answer("b", generation: 1) == [], "the old process cannot answer for the new one")
        #expect(machine.handle(.ready(generation: 1, at: Time.at(3))) == [])
        #expect(machine.handle(.loadFailed(generation: 1, "late")) == [])
        #expect(machine.exit(1) == [], "the old process's exit was already handled")
        #expect(machine.handle(.attached(generation: 1, pid: 4242)) == [])
        #expect(machine.process?.pid == Machine.pid(2))
        #expect(machine.answer("b", generation: 2) == [.complete("b", returned("b"))])
    }

    @Test func deadlineChecksRunWhileExecutionsDo() {
        var machine = Machine.ready(concurrency: 2)
        _ = machine.run("a", timeout: .seconds(5), at: 0)
        #expect(machine.handle(.deadlineCheck(at: Time.at(0.2))) == [Machine.check])
        #expect(machine.handle(.deadlineCheck(at: Time.at(4.9))) == [Machine.check])
        _ = machine.answer("a")
        #expect(machine.handle(.deadlineCheck(at: Time.at(5.1))) == [], "nothing runs: the checks stop")
        #expect(machine.run("b", at: 6) == [.send(101, "b"), Machine.check], "and start again with the next execution")
    }

    @Test func aDeadlineIsCountedFromTheSend() {
        var machine = Machine.ready(concurrency: 1)
        _ = machine.run("a", timeout: .seconds(5), at: 0)
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b", timeout: .seconds(5), at: 0) == [])
        #expect(machine.answer("a", at: 4) == [.complete("a", returned("a")), .send(101, "b")])
        #expect(machine.handle(.deadlineCheck(at: Time.at(6))) == [Machine.check], "b was sent at 4 s, not queued at 0")
        #expect(machine.handle(.deadlineCheck(at: Time.at(9))) == [.kill(pid: Machine.pid(1)), Machine.check])
    }

    /// A timeout kills the whole process: the late execution times out, the others in flight
    /// fail as crashed, queued ones wait for the replacement.
    @Test func aTimeoutKillsTheProcessAndFailsTheOthersInFlight() {
        var machine = Machine.ready(concurrency: 3, timeout: .seconds(30))
        _ = machine.run("early", timeout: .seconds(30), at: 0)
        _ = machine.run("late", timeout: .seconds(10), at: 1)
        _ = machine.run("other", timeout: .seconds(30), at: 2)
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "queued", at: 2) == [])
        #expect(machine.handle(.deadlineCheck(at: Time.at(11.2))) == [.kill(pid: Machine.pid(1)), Machine.check])
        #expect(machine.handle(.deadlineCheck(at: Time.at(11.4))) == [Machine.check], "killed once")
        let killed = "the worker process was killed (SIGKILL: timeout or out of memory)"
        #expect(machine.exit(1, killed, at: 11.5) == [
            .complete("late", .timedOut(.seconds(30))),
            .log("Execution \"late\" exceeded its timeout of 30 s; the worker was stopped and is being replaced"),
            .complete("early", .crashed(killed)),
            .complete("other", .crashed(killed)),
            .status(.workerLost(killed), "Worker lost (\(killed)); starting a replacement"),
            .spawn(generation: 2),
        ])
        #expect(machine.runningExecutions == 0)
        #expect(machine.handle(.deadlineCheck(at: Time.at(11.6))) == [], "nothing runs")
        #expect(machine.waiting == [queued])
        _ = machine.bringUp(2)
        #expect(machine.handle(.ready(generation: 2, at: Time.at(12))) == [
            .status(.workerReady, "Worker ready: step module imported successfully"), .send(102, "queued"), Machine.check,
        ])
    }

    @Test func theEarliestLateExecutionIsTheOneThatTimedOut() {
        var machine = Machine.ready(concurrency: 3)
        _ = machine.run("b", timeout: .seconds(5), at: 1)
        _ = machine.run("a", timeout: .seconds(5), at: 0)
        _ = machine.run("c", timeout: .seconds(5), at: 2)
        #expect(machine.handle(.deadlineCheck(at: Time.at(10))) == [.kill(pid: Machine.pid(1)), Machine.check])
        #expect(machine.process?.timedOut == "a")
    }

    @Test func aLateExecutionWhoseResultComesBeforeTheExitKeepsIt() {
        var machine = Machine.ready(concurrency: 2)
        _ = machine.run("a", timeout: .seconds(1), at: 0)
        _ = machine.run("b", at: 0)
        _ = machine.handle(.deadlineCheck(at: Time.at(2)))
        #expect(machine.answer("a", at: 2.1) == [.complete("a", returned("a"))])
        #expect(machine.exit(1, "killed", at: 2.2) == [
            .complete("b", .crashed("killed")),
            .status(.workerLost("killed"), "Worker lost (killed); starting a replacement"),
            .spawn(generation: 2),
        ])
    }

    @Test func noKillBeforeThePidIsKnown() {
        var machine = Machine.make(concurrency: 1)
        _ = machine.handle(.start)
        _ = machine.handle(.pipesOpened(generation: 1, channel: 101, at: Time.date))
        _ = machine.handle(.ready(generation: 1, at: Time.at(0)))
        _ = machine.run("a", timeout: .seconds(1))
        #expect(machine.handle(.deadlineCheck(at: Time.at(5))) == [Machine.check])
        _ = machine.handle(.attached(generation: 1, pid: 77))
        #expect(machine.handle(.deadlineCheck(at: Time.at(5.2))) == [.kill(pid: 77), Machine.check])
    }

    /// A crash fails what the process was running; the queue waits for the replacement, and
    /// newcomers queue behind it.
    @Test func aCrashWhileExecutionsWaitInTheQueue() {
        var machine = Machine.ready(concurrency: 1, queueLimit: 3)
        _ = machine.run("a")
        let b = machine.ticket(startsNow: false)
        let c = machine.ticket(startsNow: false)
        #expect(machine.submit(b, "b") == [])
        #expect(machine.exit(1, "segfault", at: 120) == [
            .complete("a", .crashed("segfault")),
            .status(.workerLost("segfault"), "Worker lost (segfault); starting a replacement"),
            .spawn(generation: 2),
        ])
        #expect(machine.waiting == [b, c])
        #expect(machine.admit() == .admitted(ticket: 4, startsNow: false))
        #expect(machine.admit() == .queueFull(limit: 3))
        #expect(machine.submit(c, "c") == [])
        _ = machine.bringUp(2)
        #expect(machine.handle(.ready(generation: 2, at: Time.at(121))) == [
            .status(.workerReady, "Worker ready: step module imported successfully"), .send(102, "b"),
        ])
        #expect(machine.answer("b", generation: 2) == [.complete("b", returned("b")), .send(102, "c")])
        #expect(machine.answer("c", generation: 2) == [.complete("c", returned("c"))], "ticket 4 gets the slot")
        #expect(machine.submit(4, "d") == [.send(102, "d")])
    }

    @Test func aCrashWhileStartingFailsNothingQueued() {
        var machine = Machine.starting(concurrency: 1, queueLimit: 3)
        let a = machine.ticket(startsNow: false)
        #expect(machine.submit(a, "a") == [])
        #expect(machine.exit(1, "exit code 1") == [
            .status(.workerLost("exit code 1"), "Worker exited while starting (exit code 1); retrying"),
            .spawn(generation: 2),
        ])
        #expect(machine.waiting == [a])
        #expect(machine.bringUp(2) == [.launch(generation: 2, channel: 102, delay: .milliseconds(250))])
        #expect(machine.handle(.ready(generation: 2, at: Time.at(1))).contains(.send(102, "a")))
    }
}
