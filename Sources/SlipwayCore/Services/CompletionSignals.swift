import Foundation

/// Lets long-polling requests wait for a state change without polling the store.
public actor CompletionSignals {
    private struct Waiter {
        var continuation: CheckedContinuation<Bool, Never>
        var timer: Task<Void, Never>?
    }

    private var waiters: [String: [UUID: Waiter]] = [:]

    public init() {}

    /// Waits until `signal(key)` or the timeout; returns true when signalled.
    public func wait(_ key: String, timeout: Duration) async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let timer = Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled else { return }
                    await self?.resume(key: key, id: id, with: false)
                }
                waiters[key, default: [:]][id] = Waiter(continuation: continuation, timer: timer)
            }
        } onCancel: {
            Task { await self.resume(key: key, id: id, with: false) }
        }
    }

    public func signal(_ key: String) {
        guard let pending = waiters.removeValue(forKey: key) else { return }
        for waiter in pending.values {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    private func resume(key: String, id: UUID, with value: Bool) {
        guard let waiter = waiters[key]?.removeValue(forKey: id) else { return }
        if waiters[key]?.isEmpty == true { waiters[key] = nil }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: value)
    }
}
