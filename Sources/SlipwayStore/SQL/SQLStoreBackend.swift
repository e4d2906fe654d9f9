import SQLKit

/// What the shared store code needs from a database backend: connections to run statements
/// on, transactions, and the execution write path (group-committed on SQLite, one transaction
/// per call on PostgreSQL). Every write returns once committed.
protocol SQLStoreBackend: Sendable {
    var dialect: StoreDialect { get }

    /// Runs `body` on a connection (on SQLite, with exclusive use of the one connection).
    func withDatabase<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T

    /// Applies execution writes together (one transaction at least); returns whether the last
    /// one applied (compare-and-set writes may not).
    func submit(_ writes: [ExecutionWrite]) async throws -> Bool

    /// Returns once every execution write submitted so far has committed.
    func executionWriteBarrier() async throws

    func close() async
}
