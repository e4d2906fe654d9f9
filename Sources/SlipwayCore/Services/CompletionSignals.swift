import Foundation

/// Lets long-polling requests wait for a state change without polling the store.
public actor CompletionSignals {
    private var waiters: [String: [UUID: CheckedContinuation<Bool, Never>]] = [:]

    public init() {}

    /// Waits until `signal(key)` or the timeout; returns true when signalled.
    public func wait(_ key: String, timeout: Duration) async -> Bool {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                waiters[key, default: [:]][id] = continuation
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.resume(key: key, id: id, with: false)
                }
            }
        } onCancel: {
            Task { await self.resume(key: key, id: id, with: false) }
        }
    }

    public func signal(_ key: String) {
        guard let pending = waiters.removeValue(forKey: key) else { return }
        for continuation in pending.values { continuation.resume(returning: true) }
    }

    private func resume(key: String, id: UUID, with value: Bool) {
        guard let continuation = waiters[key]?.removeValue(forKey: id) else { return }
        if waiters[key]?.isEmpty == true { waiters[key] = nil }
        continuation.resume(returning: value)
    }
}
