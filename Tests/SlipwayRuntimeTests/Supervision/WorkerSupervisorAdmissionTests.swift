import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// Admission: `concurrency` slots, a bounded queue, refusal beyond, and what a freed slot or a
/// released ticket does.
@Suite("WorkerSupervisor: admission")
struct WorkerSupervisorAdmissionTests {
    @Test func configurationIsClamped() {
        let configuration = Machine.Configuration(concurrency: 0, queueLimit: -5, executionTimeout: .seconds(90),
                                                  maxStartAttempts: 0)
        #expect(configuration.concurrency == 1)
        #expect(configuration.queueLimit == 0)
        #expect(configuration.maxStartAttempts == 1)
        #expect(configuration.stopGrace == .seconds(30), "the grace of a stop is capped")
        #expect(Machine.Configuration(concurrency: 2, queueLimit: 1, executionTimeout: .seconds(5)).stopGrace == .seconds(5))
    }

    @Test func nothingIsAdmittedBeforeTheStart() {
        var machine = Machine.make()
        #expect(machine.admit() == .notRunning)
        #expect(machine.phase == .idle)
    }

    @Test func everythingQueuesWhileStarting() {
        var machine = Machine.starting(concurrency: 2, queueLimit: 3)
        #expect(machine.admit() == .admitted(ticket: 1, startsNow: false))
        #expect(machine.admit() == .admitted(ticket: 2, startsNow: false))
        #expect(machine.admit() == .admitted(ticket: 3, startsNow: false))
        #expect(machine.admit() == .queueFull(limit: 3))
        #expect(machine.waiting == [1, 2, 3])
        // A job submitted while starting waits; nothing is sent before the process is ready.
        #expect(machine.submit(1, "a") == [])
        #expect(machine.slotsInUse == 0)
    }

    @Test func slotsThenQueueThenRefusal() {
        var machine = Machine.ready(concurrency: 2, queueLimit: 3)
        #expect(machine.admit() == .admitted(ticket: 1, startsNow: true))
        #expect(machine.admit() == .admitted(ticket: 2, startsNow: true))
        #expect(machine.admit() == .admitted(ticket: 3, startsNow: false))
        #expect(machine.admit() == .admitted(ticket: 4, startsNow: false))
        #expect(machine.admit() == .admitted(ticket: 5, startsNow: false))
        #expect(machine.admit() == .queueFull(limit: 3))
        #expect(machine.admit() == .queueFull(limit: 3))
        #expect(machine.slotsInUse == 2)
        #expect(machine.waiting == [3, 4, 5], "refused admissions are not kept")
    }

    @Test func aZeroQueueLimitRefusesWhenBusyOrStarting() {
        var ready = Machine.ready(concurrency: 1, queueLimit: 0)
        #expect(ready.admit() == .admitted(ticket: 1, startsNow: true))
        #expect(ready.admit() == .queueFull(limit: 0))
        var starting = Machine.starting(concurrency: 1, queueLimit: 0)
        #expect(starting.admit() == .queueFull(limit: 0))
    }

    @Test func nothingIsAdmittedOnceFailedStoppingStoppedOrRetiring() {
        var failed = Machine.starting()
        _ = failed.handle(.loadFailed(generation: 1, "SyntaxError: bad"))
        #expect(failed.admit() == .notRunning)

        var gaveUp = Machine.starting(maxStartAttempts: 1)
        _ = gaveUp.exit()
        #expect(gaveUp.phase == .failed("the worker failed to start 1 times in a row; last: \(Machine.crash)"))
        #expect(gaveUp.admit() == .notRunning)

        var stopping = Machine.ready()
        _ = stopping.run("a")
        _ = stopping.handle(.stop)
        #expect(stopping.phase == .stopping)
        #expect(stopping.admit() == .notRunning)

        var stopped = Machine.ready()
        _ = stopped.handle(.stop)
        _ = stopped.exit()
        #expect(stopped.phase == .stopped)
        #expect(stopped.admit() == .notRunning)

        var retiring = Machine.ready()
        _ = retiring.run("a")
        #expect(retiring.handle(.retire) == [])
        #expect(retiring.phase == .ready)
        #expect(retiring.admit() == .notRunning)
    }

    @Test func aFreedSlotGoesToTheQueueBeforeNewcomers() {
        var machine = Machine.ready(concurrency: 1, queueLimit: 2)
        #expect(machine.run("a") == [.send(101, "a"), Machine.check])
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        #expect(machine.answer("a") == [.complete("a", returned("a")), .send(101, "b")])
        #expect(machine.admit() == .admitted(ticket: 3, startsNow: false), "the slot went to the waiting execution")
        #expect(machine.slotsInUse == 1)
    }

    @Test func readyGivesSlotsToTheQueueOldestFirst() {
        var machine = Machine.starting(concurrency: 3, queueLimit: 10)
        let tickets = (1...5).map { _ in machine.ticket(startsNow: false) }
        // Jobs 1, 3 and 5 are submitted before the process is ready, 2 and 4 are not yet.
        for index in [0, 2, 4] { #expect(machine.submit(tickets[index], "e\(index + 1)") == []) }
        #expect(machine.handle(.ready(generation: 1, at: Time.at(1))) == [
            .status(.workerReady, "Worker ready: step module imported successfully"),
            .send(101, "e1"), Machine.check, .send(101, "e3"),
        ])
        #expect(machine.slotsInUse == 3, "two sent, one slot kept for ticket 2 until its job comes")
        #expect(machine.waiting == [tickets[3], tickets[4]])
        #expect(machine.submit(tickets[1], "e2") == [.send(101, "e2")])
        #expect(machine.submit(tickets[3], "e4") == [], "still queued")
        #expect(machine.answer("e1") == [.complete("e1", returned("e1")), .send(101, "e4")])
        #expect(machine.answer("e3") == [.complete("e3", returned("e3")), .send(101, "e5")])
        #expect(machine.waiting.isEmpty)
    }

    @Test func releasingATicketThatNeverSentFreesItsSlot() {
        var machine = Machine.ready(concurrency: 1, queueLimit: 2)
        let unused = machine.ticket(startsNow: true)
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        #expect(machine.release(unused) == [.send(101, "b"), Machine.check])
        #expect(machine.release(unused) == [], "a second release changes nothing")
        #expect(machine.submit(unused, "late") == [.complete("late", .unavailable(Machine.notRunning))],
                "a released ticket sends nothing")
        // Released after its job ran: no-op.
        #expect(machine.answer("b") == [.complete("b", returned("b"))])
        #expect(machine.release(queued) == [])
        #expect(machine.slotsInUse == 0)
        #expect(machine.admit() == .admitted(ticket: 3, startsNow: true))
    }

    @Test func releasingAQueuedTicketGivesItsPlaceBack() {
        var machine = Machine.ready(concurrency: 1, queueLimit: 2)
        _ = machine.run("a")
        let second = machine.ticket(startsNow: false)
        let third = machine.ticket(startsNow: false)
        #expect(machine.admit() == .queueFull(limit: 2))
        #expect(machine.release(second) == [])
        #expect(machine.waiting == [third])
        #expect(machine.admit() == .admitted(ticket: 4, startsNow: false), "the freed queue place is taken again")
        // A queued ticket released with its job submitted: the job fails, it is never sent.
        #expect(machine.submit(third, "c") == [])
        #expect(machine.release(third) == [.complete("c", .unavailable(Machine.stoppedBeforeStart))])
        #expect(machine.answer("a") == [.complete("a", returned("a"))], "ticket 4 gets the slot, its job is not here yet")
        #expect(machine.slotsInUse == 1)
    }

    @Test func unknownTicketsAreRefusedAtSubmission() {
        var machine = Machine.ready()
        #expect(machine.submit(42, "x") == [.complete("x", .unavailable(Machine.notRunning))])
        #expect(machine.release(42) == [])
        // A queued ticket submitted twice keeps its first job.
        _ = machine.run("a")
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "b") == [])
        #expect(machine.submit(queued, "b-again") == [.complete("b-again", .unavailable(Machine.notRunning))])
        #expect(machine.answer("a") == [.complete("a", returned("a")), .send(101, "b")])
    }

    /// A slot freed while no process is ready sends nothing: the queue waits for the replacement.
    @Test func aSlotFreedWhileTheProcessIsNotReady() {
        var machine = Machine.ready(concurrency: 2, queueLimit: 5)
        _ = machine.run("a")
        let granted = machine.ticket(startsNow: true)
        let queued = machine.ticket(startsNow: false)
        #expect(machine.submit(queued, "c") == [])
        _ = machine.exit()
        #expect(machine.phase == .starting(attempt: 1))
        #expect(machine.slotsInUse == 0, "the lost process's slots are gone with it")
        #expect(machine.release(granted) == [], "its slot was lost with the process: nothing is sent")
        #expect(machine.waiting == [queued])
        #expect(machine.answer("a", generation: 1) == [], "no answer from a lost process")
        #expect(machine.admit() == .admitted(ticket: 4, startsNow: false))
        // The replacement takes the queue in order.
        #expect(machine.bringUp(2) == [.launch(generation: 2, channel: 102, delay: .zero)])
        #expect(machine.handle(.ready(generation: 2, at: Time.at(2))) == [
            .status(.workerReady, "Worker ready: step module imported successfully"), .send(102, "c"),
        ], "the deadline check asked for the first process is still to come")
    }

    /// A ticket given a slot whose job had not come when its process was lost is refused when
    /// the job comes (the execution fails as unavailable, like one that came too late).
    @Test func aGrantedTicketIsRefusedAfterItsProcessIsLost() {
        var machine = Machine.ready(concurrency: 1)
        let granted = machine.ticket(startsNow: true)
        _ = machine.exit()
        _ = machine.bringUp(2)
        _ = machine.handle(.ready(generation: 2, at: Time.at(2)))
        #expect(machine.submit(granted, "a") == [.complete("a", .unavailable(Machine.notRunning))])
        #expect(machine.admit() == .admitted(ticket: 2, startsNow: true), "and it holds no slot")
    }
}
