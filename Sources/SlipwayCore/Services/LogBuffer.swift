import Foundation

/// Collects log lines and writes them to the store in batches.
public actor LogBuffer {
    private let store: any ExecutionStore
    private let subject: LogSubject
    private var pending: [LogLine] = []
    private var flushTask: Task<Void, Never>?
    private let batchSize: Int

    public init(store: any ExecutionStore, subject: LogSubject, batchSize: Int = 500) {
        self.store = store
        self.subject = subject
        self.batchSize = batchSize
    }

    public func add(_ line: LogLine) {
        pending.append(line)
        if pending.count >= batchSize {
            writePending()
        } else if flushTask == nil {
            flushTask = Task {
                try? await Task.sleep(for: .milliseconds(200))
                self.timerFired()
            }
        }
    }

    private func timerFired() {
        flushTask = nil
        writePending()
    }

    private func writePending() {
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

    private var inFlight: Task<Void, Never>?

    /// Waits for earlier writes and hands over the lines not yet written (the caller stores them
    /// with the execution's final state, in the same transaction).
    public func takeRemaining() async -> [LogLine] {
        flushTask?.cancel()
        flushTask = nil
        await inFlight?.value
        let rest = pending
        pending = []
        return rest
    }

    /// Writes everything added so far and waits for it.
    public func flush() async {
        flushTask?.cancel()
        flushTask = nil
        writePending()
        await inFlight?.value
    }
}
