import Foundation
import Synchronization

/// A small map whose entries expire: what was checked a moment ago (a token's signature, a
/// membership) is not checked again on every call. Full when `capacity` entries are live: it is
/// then emptied, which only costs the next calls a fresh check.
final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    func value(for key: Key, now: ContinuousClock.Instant = .now) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.until <= now {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    func set(_ value: Value, for key: Key, until: ContinuousClock.Instant) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, until)
        }
    }

    func remove(_ key: Key) {
        entries.withLock { $0[key] = nil }
    }

    func removeAll() {
        entries.withLock { $0.removeAll() }
    }
}
