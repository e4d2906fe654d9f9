import SQLKit
import Synchronization

/// The backend of a transaction's view of the store (`SQLMetadataStore.transaction`): every
/// statement runs on the one connection that holds the open transaction, without taking the
/// backend's lock or pool again, and execution writes are applied directly (not queued for a
/// group commit, which would commit them separately). A nested transaction is a savepoint.
final class BoundConnection: SQLStoreBackend {
    let database: any SQLDatabase
    let dialect: StoreDialect
    private let savepoints = Atomic<Int>(0)

    init(database: any SQLDatabase, dialect: StoreDialect) {
        self.database = database
        self.dialect = dialect
    }

    func withDatabase<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await body(database)
    }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let name = "nested_\(savepoints.wrappingAdd(1, ordering: .relaxed).newValue)"
        try await database.raw("SAVEPOINT \(unsafeRaw: name)").run()
        do {
            let result = try await body(database)
            try await database.raw("RELEASE SAVEPOINT \(unsafeRaw: name)").run()
            return result
        } catch {
            try? await database.raw("ROLLBACK TO SAVEPOINT \(unsafeRaw: name)").run()
            throw error
        }
    }

    func submit(_ writes: [ExecutionWrite]) async throws -> Bool {
        try await dialect.apply(writes, db: database).last ?? true
    }

    /// Nothing is queued on a bound connection.
    func executionWriteBarrier() async throws {}

    /// The connection belongs to the transaction that lent it.
    func close() async {}
}
