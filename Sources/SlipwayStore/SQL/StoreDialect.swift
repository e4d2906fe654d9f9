import SQLKit

/// The SQL database a store runs on, and the few statement pieces that differ between them.
/// Everything else the shared store code writes is SQL both accept.
enum StoreDialect: Sendable {
    case sqlite
    case postgres

    /// Starts a write transaction. SQLite's `IMMEDIATE` takes the write lock at once, so a
    /// transaction that reads first cannot fail later on upgrading its lock.
    var begin: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgres: "BEGIN"
        }
    }

    /// Appended to a `SELECT` that reads a row the same transaction then changes: PostgreSQL
    /// locks the row against concurrent writers; SQLite's transactions already run one at a time.
    var lockingRead: SQLQueryString {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// The select-list item reading a log line's message as bytes: the SQLite driver reads text
    /// up to its first NUL (programs do print NULs), so the text column is cast to a blob there;
    /// PostgreSQL text cannot hold a NUL at all, so its column is `bytea`.
    var logMessageBytes: SQLQueryString {
        switch self {
        case .sqlite: "CAST(message AS BLOB) AS message"
        case .postgres: "message"
        }
    }

    /// Applies execution writes on a connection that is inside a transaction.
    func apply(_ writes: [ExecutionWrite], db: any SQLDatabase) async throws -> [Bool] {
        switch self {
        case .sqlite: try await ExecutionWriteBatcher.apply(writes, db: db)
        case .postgres: try await PostgresExecutionWrites.apply(writes, db: db)
        }
    }
}
