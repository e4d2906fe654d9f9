import Synchronization

/// Runs a background pass unless the previous one is still running (a scan started by the
/// scheduler must never overlap its predecessor).
final class SingleFlight: Sendable {
    private let running = Mutex(false)

    /// Starts `body` in the background; false (nothing started) while an earlier pass runs.
    @discardableResult
    func start(_ body: @escaping @Sendable () async -> Void) -> Bool {
        guard running.withLock({ running -> Bool in
            guard !running else { return false }
            running = true
            return true
        }) else { return false }
        Task {
            await body()
            self.running.withLock { $0 = false }
        }
        return true
    }
}
