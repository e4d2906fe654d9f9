import Foundation

/// Group commit for inference records: records handed in while a write is running go into the
/// next write together, and an idle recorder writes at once. `record` returns once the records
/// are committed, so an answer sent after it is never lost.
actor InferenceRecorder {
    private let store: any MetadataStore
    private var pending: [InferenceRecord] = []
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    private var flushing = false
    private(set) var writes = 0

    init(store: any MetadataStore) {
        self.store = store
    }

    func record(_ records: [InferenceRecord]) async throws {
        guard !records.isEmpty else { return }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            pending += records
            waiters.append(continuation)
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let batch = pending, batchWaiters = waiters
            pending = []
            waiters = []
            do {
                try await store.appendInferenceRecords(batch)
                writes += 1
                for waiter in batchWaiters { waiter.resume() }
            } catch {
                for waiter in batchWaiters { waiter.resume(throwing: error) }
            }
        }
        flushing = false
    }
}
