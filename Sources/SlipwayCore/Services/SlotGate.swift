import DequeModule
import Synchronization

/// At most `limit` holders at once; further callers wait their turn, first come first served.
/// A waiting caller whose task is cancelled leaves the line (and gets `CancellationError`).
public final class SlotGate: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var holders = 0
        var waiters: Deque<Waiter> = []
        var nextID: UInt64 = 0
        /// Cancelled before its continuation was registered.
        var cancelledEarly: Set<UInt64> = []
    }

    public let limit: Int
    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Slots taken now.
    public var holders: Int { state.withLock { $0.holders } }
    /// Callers waiting for a slot.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Takes a slot at once if one is free (no waiting).
    public func tryEnter() -> Bool {
        state.withLock { state in
            guard state.holders < limit, state.waiters.isEmpty else { return false }
            state.holders += 1
            return true
        }
    }

    /// Takes a slot, waiting for one if needed. Call `leave()` once done.
    public func enter() async throws {
        if tryEnter() { return }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if state.cancelledEarly.remove(id) != nil { return .failure(CancellationError()) }
                    if state.holders < limit && state.waiters.isEmpty {
                        state.holders += 1
                        return .success(())
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelledEarly.insert(id)
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        state.withLock { _ = $0.cancelledEarly.remove(id) }
    }

    /// Gives a slot back: the longest-waiting caller gets it.
    public func leave() {
        let next = state.withLock { state -> Waiter? in
            if let next = state.waiters.popFirst() { return next }  // the slot passes on
            state.holders = max(0, state.holders - 1)
            return nil
        }
        next?.continuation.resume()
    }
}
