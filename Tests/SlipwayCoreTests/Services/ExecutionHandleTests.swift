import Foundation
import Synchronization
import Testing

@testable import SlipwayCore

@Suite("ExecutionHandle, DeadlineTimer and CompletionSignals")
struct ExecutionHandleTests {
    let done = ExecutionResult(status: .succeeded, outputs: [], failureMessage: nil)

    @Test func aResultKnownBeforeTheWaitIsReturnedAtOnce() async {
        let handle = ExecutionHandle(timer: DeadlineTimer(tick: .milliseconds(5)))
        handle.complete(done)
        #expect(await handle.result(within: .zero) == done)
        // Only the first result counts.
        handle.complete(ExecutionResult(status: .failed, outputs: [], failureMessage: "late"))
        #expect(await handle.result(within: .seconds(1)) == done)
    }

    @Test func waitersAreWokenByTheResult() async {
        let handle = ExecutionHandle(timer: DeadlineTimer(tick: .milliseconds(5)))
        async let first = handle.result(within: .seconds(30))
        async let second = handle.result(within: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        handle.complete(done)
        #expect(await first == done)
        #expect(await second == done)
    }

    @Test func theHoldLimitEndsTheWaitButNotTheExecution() async {
        let handle = ExecutionHandle(timer: DeadlineTimer(tick: .milliseconds(5)))
        #expect(await handle.result(within: .milliseconds(30)) == nil)
        handle.complete(done)
        #expect(await handle.result(within: .milliseconds(30)) == done)
    }

    @Test func cancelledTimersDoNotFire() async throws {
        let timer = DeadlineTimer(tick: .milliseconds(5), idleTicks: 3)
        let fired = Mutex<[String]>([])
        let cancelled = timer.schedule(after: .milliseconds(20)) { fired.withLock { $0.append("cancelled") } }
        timer.schedule(after: .milliseconds(20)) { fired.withLock { $0.append("kept") } }
        #expect(timer.cancel(cancelled))
        #expect(!timer.cancel(cancelled))
        for _ in 0..<200 where fired.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(fired.withLock { $0 } == ["kept"])
        // The loop stops after its idle ticks and starts again for new work.
        for _ in 0..<200 where timer.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!timer.isRunning)
        let again = Mutex(false)
        timer.schedule(after: .milliseconds(5)) { again.withLock { $0 = true } }
        for _ in 0..<200 where !again.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(again.withLock { $0 })
    }

    @Test func signalsWakeWaitersAndTimeOutOtherwise() async {
        let signals = CompletionSignals(timer: DeadlineTimer(tick: .milliseconds(5)))
        #expect(await !signals.wait("k", timeout: .milliseconds(20)))
        async let woken = signals.wait("k", timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        signals.signal("k")
        #expect(await woken)
        // A signal nobody waits for is a no-op.
        signals.signal("nobody")
    }

    @Test func aCancelledWaitEnds() async {
        let signals = CompletionSignals(timer: DeadlineTimer(tick: .milliseconds(5)))
        let task = Task { await signals.wait("never", timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        task.cancel()
        #expect(await task.value == false)
    }
}
