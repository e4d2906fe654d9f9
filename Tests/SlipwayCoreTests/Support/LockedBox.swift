import Synchronization

/// A value shared between a test and the closures it hands to fakes (which may run on other
/// threads).
final class LockedBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    var value: Value { storage.withLock { $0 } }

    func set(_ value: Value) { storage.withLock { $0 = value } }

    func update(_ body: (inout Value) -> Void) { storage.withLock { body(&$0) } }
}
