import Testing

@testable import SlipwayCore

@Suite("ResidentDispatchState")
struct ResidentDispatchStateTests {
    typealias Dispatch = ResidentDispatchState<Int>

    /// A dispatcher whose worker is ready.
    static func ready(capacity: Int, queueLimit: Int) -> Dispatch {
        var state = Dispatch(capacity: capacity, queueLimit: queueLimit)
        #expect(state.workerReady() == [])
        return state
    }

    @Test func initialState() {
        let state = Dispatch(capacity: 4, queueLimit: 10)
        #expect(state.capacity == 4)
        #expect(state.queueLimit == 10)
        #expect(state.running.isEmpty)
        #expect(state.waiting.isEmpty)
        #expect(!state.accepting, "nothing is sent before a worker is ready")
    }

    @Test func limitsAreClamped() {
        let state = Dispatch(capacity: 0, queueLimit: -5)
        #expect(state.capacity == 1)
        #expect(state.queueLimit == 0)
        let negative = Dispatch(capacity: -3, queueLimit: 0)
        #expect(negative.capacity == 1)
    }

    @Test func dispatchUpToCapacityQueueUpToLimitRejectBeyond() {
        var state = Self.ready(capacity: 2, queueLimit: 3)
        #expect(state.submit(1) == .dispatch)
        #expect(state.submit(2) == .dispatch)
        #expect(state.submit(3) == .queued(position: 1))
        #expect(state.submit(4) == .queued(position: 2))
        #expect(state.submit(5) == .queued(position: 3))
        #expect(state.submit(6) == .rejected)
        #expect(state.submit(7) == .rejected)
        #expect(state.running == [1, 2])
        #expect(state.waiting == [3, 4, 5], "rejected tickets are not kept")
    }

    @Test func finishDrainsInFIFOOrder() {
        var state = Self.ready(capacity: 2, queueLimit: 5)
        for ticket in 1...6 { _ = state.submit(ticket) }
        #expect(state.waiting == [3, 4, 5, 6])
        #expect(state.finish(1) == [3])
        #expect(state.running == [2, 3])
        #expect(state.waiting == [4, 5, 6])
        #expect(state.finish(3) == [4])
        #expect(state.finish(2) == [5])
        #expect(state.finish(4) == [6])
        #expect(state.finish(5) == [])
        #expect(state.finish(6) == [])
        #expect(state.running.isEmpty)
        #expect(state.waiting.isEmpty)
        // Unknown or repeated finishes are harmless.
        #expect(state.finish(42) == [])
        #expect(state.submit(7) == .dispatch)
    }

    @Test func freedSlotIsTakenByTheQueueBeforeNewcomers() {
        var state = Self.ready(capacity: 1, queueLimit: 2)
        #expect(state.submit(1) == .dispatch)
        #expect(state.submit(2) == .queued(position: 1))
        #expect(state.finish(1) == [2])
        #expect(state.submit(3) == .queued(position: 1), "the slot went to the waiting execution")
        #expect(state.running == [2])
    }

    @Test func everythingQueuesUntilTheWorkerIsReady() {
        var state = Dispatch(capacity: 2, queueLimit: 3)
        #expect(state.submit(1) == .queued(position: 1))
        #expect(state.submit(2) == .queued(position: 2))
        #expect(state.submit(3) == .queued(position: 3))
        #expect(state.submit(4) == .rejected)
        #expect(state.finish(99) == [], "finish while no worker is ready dispatches nothing")
        #expect(state.running.isEmpty)
        #expect(state.workerReady() == [1, 2], "up to capacity, oldest first")
        #expect(state.accepting)
        #expect(state.running == [1, 2])
        #expect(state.waiting == [3])
        #expect(state.finish(2) == [3])
    }

    @Test func zeroQueueLimitRejectsWhenBusy() {
        var state = Self.ready(capacity: 1, queueLimit: 0)
        #expect(state.submit(1) == .dispatch)
        #expect(state.submit(2) == .rejected)
        var notReady = Dispatch(capacity: 1, queueLimit: 0)
        #expect(notReady.submit(1) == .rejected)
    }

    @Test func workerLostReturnsRunningAndKeepsTheQueue() {
        var state = Self.ready(capacity: 2, queueLimit: 3)
        for ticket in 1...4 { _ = state.submit(ticket) }
        let lost = state.workerLost()
        #expect(Set(lost) == [1, 2])
        #expect(lost.count == 2)
        #expect(state.running.isEmpty)
        #expect(state.waiting == [3, 4])
        #expect(!state.accepting)
        // While the replacement starts, newcomers queue behind the survivors and nothing is sent.
        #expect(state.submit(5) == .queued(position: 3))
        #expect(state.submit(6) == .rejected)
        #expect(state.finish(1) == [], "a late finish of a lost execution dispatches nothing")
        #expect(state.workerLost() == [], "losing a worker twice loses nothing more")
        // The replacement picks the queue up in order.
        #expect(state.workerReady() == [3, 4])
        #expect(state.waiting == [5])
        #expect(state.finish(3) == [5])
    }

    @Test func closeReturnsEverything() {
        var state = Self.ready(capacity: 2, queueLimit: 3)
        for ticket in 1...5 { _ = state.submit(ticket) }
        let all = state.close()
        #expect(all.count == 5)
        #expect(Set(all) == [1, 2, 3, 4, 5])
        #expect(Array(all.suffix(3)) == [3, 4, 5], "running first, then the queue in order")
        #expect(state.running.isEmpty)
        #expect(state.waiting.isEmpty)
        #expect(!state.accepting)
        #expect(state.close() == [])
        // After a close, nothing is dispatched until a worker is ready again.
        #expect(state.submit(6) == .queued(position: 1))
        #expect(state.workerReady() == [6])
    }

    @Test func withdraw() {
        var state = Self.ready(capacity: 1, queueLimit: 3)
        for ticket in 1...4 { _ = state.submit(ticket) }
        #expect(state.waiting == [2, 3, 4])
        #expect(state.withdraw(3) == true)
        #expect(state.waiting == [2, 4])
        #expect(state.withdraw(3) == false, "already withdrawn")
        #expect(state.withdraw(1) == false, "a running execution cannot be withdrawn")
        #expect(state.withdraw(99) == false)
        #expect(state.running == [1])
        // The freed queue place can be taken again.
        #expect(state.submit(5) == .queued(position: 3))
        #expect(state.submit(6) == .rejected)
        #expect(state.finish(1) == [2])
        #expect(state.finish(2) == [4])
        #expect(state.finish(4) == [5])
    }

    @Test func workerReadyDrainsOnlyUpToCapacity() {
        var state = Dispatch(capacity: 3, queueLimit: 10)
        for ticket in 1...7 { _ = state.submit(ticket) }
        #expect(state.workerReady() == [1, 2, 3])
        #expect(state.workerReady() == [], "a second ready with full slots sends nothing")
        #expect(state.waiting == [4, 5, 6, 7])
    }

    @Test func worksWithOtherTicketTypes() {
        var state = ResidentDispatchState<String>(capacity: 1, queueLimit: 1)
        _ = state.workerReady()
        #expect(state.submit("a") == .dispatch)
        #expect(state.submit("b") == .queued(position: 1))
        #expect(state.submit("c") == .rejected)
        #expect(state.finish("a") == ["b"])
    }
}
