import Foundation
import Logging
import SQLKit
import SQLiteKit

/// SQLite in WAL mode: one connection used by one task at a time (behind a fair lock), writes
/// of executions group-committed by `ExecutionWriteBatcher`, the write-ahead log checkpointed
/// from a connection of its own by `WALCheckpointer`.
final class SQLiteBackend: SQLStoreBackend {
    var dialect: StoreDialect { .sqlite }
    let database: any SQLDatabase
    private let connection: SQLiteConnection
    private let lock = AsyncLock()
    let writes = ExecutionWriteBatcher()
    let logger: Logger
    private let checkpointer: WALCheckpointer

    private init(connection: SQLiteConnection, logger: Logger, checkpointer: WALCheckpointer) {
        self.connection = connection
        self.database = connection.sql()
        self.logger = logger
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) an SQLite database file.
    static func open(path: String, logger: Logger) async throws -> SQLiteBackend {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let database = connection.sql()
        // The one connection gets a page cache sized for a database of millions of executions
        // (SQLite's default is 2 MB: past a few hundred thousand executions every insert read
        // index pages back from the file), and reads pages through a memory map, not `pread`.
        do {
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                           "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-65536", "PRAGMA mmap_size=268435456",
                           "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=0"] {
                try await database.raw(SQLQueryString(pragma)).run()
            }
            let checkpointer = try await WALCheckpointer.start(path: path, logger: logger)
            return SQLiteBackend(connection: connection, logger: logger, checkpointer: checkpointer)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    func close() async {
        await checkpointer.stop()
        try? await connection.close()
    }

    func withDatabase<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        await lock.lock()
        do {
            let result = try await body(database)
            await lock.unlock()
            return result
        } catch {
            await lock.unlock()
            throw error
        }
    }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDatabase { db in try await SQLTransaction.run(on: db, dialect: .sqlite, body) }
    }

    func submit(_ writes: [ExecutionWrite]) async throws -> Bool {
        try await self.writes.submit(all: writes, backend: self)
    }

    func executionWriteBarrier() async throws {
        try await writes.barrier(backend: self)
    }
}
