import Foundation
import Synchronization

/// The small integer numbers some APIs name objects by (`NumberedKind`): assigned on first use,
/// never reused.
public struct NumberingService: Sendable {
    let store: any MetadataStore
    /// Numbers never change once assigned: those looked up are kept (id by kind and number).
    private let known = Known()

    final class Known: Sendable {
        let ids = Mutex<[NumberedKind: [Int: String]]>([:])
    }

    public init(store: any MetadataStore) {
        self.store = store
    }

    public func number(of kind: NumberedKind, id: String) async throws -> Int {
        Int(try await store.number(of: kind, id: id))
    }

    /// Numbers of several objects, assigning those that have none yet (in the given order).
    public func numbers(of kind: NumberedKind, ids: [String]) async throws -> [String: Int] {
        var found = try await store.assignedNumbers(of: kind, ids: ids).mapValues { Int($0) }
        for id in ids where found[id] == nil { found[id] = Int(try await store.number(of: kind, id: id)) }
        return found
    }

    /// The id of the object with this number, or a not-found error naming `what`.
    public func id(of kind: NumberedKind, number: Int, what: String) async throws -> String {
        if let id = known.ids.withLock({ $0[kind]?[number] }) { return id }
        guard number > 0, let id = try await store.objectID(of: kind, number: Int64(number)) else {
            throw SlipwayError.notFound(what, String(number))
        }
        known.ids.withLock { ids in
            if ids[kind, default: [:]].count > 100_000 { ids[kind] = [:] }
            ids[kind, default: [:]][number] = id
        }
        return id
    }
}
