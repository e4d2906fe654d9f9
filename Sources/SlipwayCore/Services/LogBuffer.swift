import Foundation

/// Collects log lines and writes them to the store in batches. `add` is synchronous so that
/// lines keep the order in which the worker produced them.
public final class LogBuffer: @unchecked Sendable {
    private let store: any ExecutionStore
    private let subject: LogSubject
    private let batchSize: Int
    private let lock = NSLock()
    private var pending: [LogLine] = []
    private var timerScheduled = false
    /// The chain of writes in progress, in order.
    private var inFlight: Task<Void, Never>?

    /// Batches are queued in the store's write order without waiting (`enqueueLogs`).
    private let deferred: Bool

    /// With `deferred`, batches are queued with the store's other deferred writes instead of
    /// being written by a task, and `takePending` may be used instead of `takeRemaining`.
    public init(store: any ExecutionStore, subject: LogSubject, batchSize: Int = 500, deferred: Bool = false) {
        self.store = store
        self.subject = subject
        self.batchSize = batchSize
        self.deferred = deferred
    }

    public func add(_ line: LogLine) {
        let schedule: Bool = lock.withLock {
            pending.append(line)
            if pending.count >= batchSize {
                writePendingLocked()
                return false
            }
            if timerScheduled { return false }
            timerScheduled = true
            return true
        }
        if schedule {
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                self.lock.withLock {
                    guard self.timerScheduled else { return }
                    self.timerScheduled = false
                    self.writePendingLocked()
                }
            }
        }
    }

    /// Starts writing the pending lines after the writes already in progress. Call with the lock held.
    private func writePendingLocked() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        let store = self.store
        let subject = self.subject
        if deferred {
            store.enqueueLogs(batch, subject: subject)
            return
        }
        let previous = inFlight
        inFlight = Task {
            await previous?.value
            try? await store.appendLogs(batch, subject: subject)
        }
    }

    /// Waits for earlier writes and hands over the lines not yet written (the caller stores them
    /// with the execution's final state, in the same transaction).
    public func takeRemaining() async -> [LogLine] {
        let previous = lock.withLock {
            timerScheduled = false
            return inFlight
        }
        await previous?.value
        return lock.withLock {
            let rest = pending
            pending = []
            return rest
        }
    }

    /// `takeRemaining` for a deferred buffer, which never has writes in progress.
    public func takePending() -> [LogLine] {
        lock.withLock {
            timerScheduled = false
            let rest = pending
            pending = []
            return rest
        }
    }

    /// Writes everything added so far and waits for it.
    public func flush() async {
        let chain = lock.withLock {
            timerScheduled = false
            writePendingLocked()
            return inFlight
        }
        await chain?.value
    }
}
