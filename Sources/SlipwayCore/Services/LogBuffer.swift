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

    public init(store: any ExecutionStore, subject: LogSubject, batchSize: Int = 500) {
        self.store = store
        self.subject = subject
        self.batchSize = batchSize
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
