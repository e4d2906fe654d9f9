import Foundation
import Synchronization

/// An execution started by a trigger, running in the background: its result, once there is
/// one, for callers that wait a bounded time (an endpoint holding its HTTP answer).
public final class ExecutionHandle: Sendable {
    private struct State {
        var result: ExecutionResult?
        var waiters: [UInt64: Waiter] = [:]
        var nextID: UInt64 = 0
    }

    private struct Waiter {
        var continuation: CheckedContinuation<ExecutionResult?, Never>
        var timer: DeadlineTimer.Token?
    }

    private let state = Mutex(State())
    private let timer: DeadlineTimer

    public init(timer: DeadlineTimer = .shared) {
        self.timer = timer
    }

    /// Records the result and wakes every waiter (once; later calls are ignored).
    public func complete(_ result: ExecutionResult) {
        let waiters = state.withLock { state -> [Waiter] in
            guard state.result == nil else { return [] }
            state.result = result
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            if let token = waiter.timer { timer.cancel(token) }
            waiter.continuation.resume(returning: result)
        }
    }

    /// The result if the execution ends within `limit`, else nil (it goes on running).
    public func result(within limit: Duration) async -> ExecutionResult? {
        if let done = state.withLock({ $0.result }) { return done }
        return await withCheckedContinuation { continuation in
            let (done, id) = state.withLock { state -> (ExecutionResult?, UInt64) in
                if let result = state.result { return (result, 0) }
                state.nextID += 1
                state.waiters[state.nextID] = Waiter(continuation: continuation, timer: nil)
                return (nil, state.nextID)
            }
            if let done {
                continuation.resume(returning: done)
                return
            }
            let token = timer.schedule(after: limit) { [weak self] in self?.expire(id) }
            let waiting = state.withLock { state -> Bool in
                guard state.waiters[id] != nil else { return false }
                state.waiters[id]?.timer = token
                return true
            }
            if !waiting { timer.cancel(token) }
        }
    }

    private func expire(_ id: UInt64) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
    }
}
