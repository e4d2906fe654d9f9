import Synchronization
import Testing

@testable import SlipwayCore

@Suite("SlotGate")
struct SlotGateTests {
    final class Order: Sendable {
        let numbers = Mutex<[Int]>([])
    }

    @Test func admitsUpToTheLimitAtOnce() {
        let gate = SlotGate(limit: 2)
        #expect(gate.tryEnter())
        #expect(gate.tryEnter())
        #expect(!gate.tryEnter())
        #expect(gate.holders == 2)
        gate.leave()
        #expect(gate.tryEnter())
        #expect(SlotGate(limit: 0).limit == 1, "a gate always lets one through")
    }

    @Test func waitersGetSlotsInOrder() async throws {
        let gate = SlotGate(limit: 1)
        try await gate.enter()
        let order = Order()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...3 {
                group.addTask {
                    try await gate.enter()
                    order.numbers.withLock { $0.append(number) }
                    gate.leave()
                }
                // Each waiter is in line before the next one starts.
                while gate.waiting < number { try await Task.sleep(for: .milliseconds(1)) }
            }
            #expect(order.numbers.withLock { $0 }.isEmpty, "nobody passes while the slot is held")
            gate.leave()
            try await group.waitForAll()
        }
        #expect(order.numbers.withLock { $0 } == [1, 2, 3])
        #expect(gate.holders == 0)
        #expect(gate.waiting == 0)
    }

    @Test func aCancelledWaiterLeavesTheLineWithoutTakingASlot() async throws {
        let gate = SlotGate(limit: 1)
        try await gate.enter()
        let waiter = Task { try await gate.enter() }
        while gate.waiting < 1 { try await Task.sleep(for: .milliseconds(1)) }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.waiting == 0)
        gate.leave()
        #expect(gate.holders == 0, "the cancelled waiter must not have been handed the slot")
        #expect(gate.tryEnter())
    }

    @Test func aTaskCancelledBeforeWaitingDoesNotWait() async throws {
        let gate = SlotGate(limit: 1)
        #expect(gate.tryEnter())
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await gate.enter()
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(gate.waiting == 0)
        #expect(gate.holders == 1)
    }
}
