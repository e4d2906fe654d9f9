import Foundation
import Synchronization

/// Lets long-polling requests wait for a state change without polling the store. Signalling
/// costs one lock when nobody waits; timeouts share `DeadlineTimer`.
public final class CompletionSignals: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var timer: DeadlineTimer.Token?
    }

    private let waiters = Mutex<[String: [UInt64: Waiter]]>([:])
    private let nextID = Atomic<UInt64>(0)
    private let timer: DeadlineTimer

    public init(timer: DeadlineTimer = .shared) {
        self.timer = timer
    }

    /// Waits until `signal(key)` or the timeout; returns true when signalled.
    public func wait(_ key: String, timeout: Duration) async -> Bool {
        let id = nextID.add(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                waiters.withLock { $0[key, default: [:]][id] = Waiter(continuation: continuation, timer: nil) }
                let token = timer.schedule(after: timeout) { [weak self] in self?.resume(key: key, id: id, with: false) }
                let stillWaiting = waiters.withLock { all -> Bool in
                    guard all[key]?[id] != nil else { return false }
                    all[key]?[id]?.timer = token
                    return true
                }
                if !stillWaiting { timer.cancel(token) }
                // Cancelled before the waiter was registered: the handler found nothing to end.
                if Task.isCancelled { resume(key: key, id: id, with: false) }
            }
        } onCancel: {
            self.resume(key: key, id: id, with: false)
        }
    }

    /// Re-reads `read()` until `settled` holds or `hold` has passed, waiting for `key` in between
    /// in slices of at most a second, so that a signal sent between a read and the wait that
    /// follows it is not waited out.
    public func poll<T: Sendable>(_ key: String, hold: Duration, from current: T, settled: (T) -> Bool,
                                  read: () async throws -> T) async throws -> T {
        var current = current
        let deadline = ContinuousClock.now + hold
        while !settled(current), ContinuousClock.now < deadline {
            _ = await wait(key, timeout: min(.seconds(1), deadline - ContinuousClock.now))
            current = try await read()
        }
        return current
    }

    public func signal(_ key: String) {
        guard let pending = waiters.withLock({ $0.removeValue(forKey: key) }) else { return }
        for waiter in pending.values {
            if let token = waiter.timer { timer.cancel(token) }
            waiter.continuation.resume(returning: true)
        }
    }

    private func resume(key: String, id: UInt64, with value: Bool) {
        let waiter = waiters.withLock { all -> Waiter? in
            guard let waiter = all[key]?.removeValue(forKey: id) else { return nil }
            if all[key]?.isEmpty == true { all[key] = nil }
            return waiter
        }
        guard let waiter else { return }
        if let token = waiter.timer { timer.cancel(token) }
        waiter.continuation.resume(returning: value)
    }
}
