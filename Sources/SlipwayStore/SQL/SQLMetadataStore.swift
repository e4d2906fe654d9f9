import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SlipwayCore

/// The metadata store on SQL (SQLite in WAL mode by default). Rows are turned into domain
/// values here, at the edge; nothing above this type sees SQL.
public final class SQLMetadataStore: Sendable {
    let database: any SQLDatabase
    private let connection: SQLiteConnection?
    private let lock = AsyncLock()
    let writes = ExecutionWriteBatcher()
    let logger: Logger
    private let checkpointer: WALCheckpointer?

    init(database: any SQLDatabase, connection: SQLiteConnection?, logger: Logger, checkpointer: WALCheckpointer? = nil) {
        self.database = database
        self.connection = connection
        self.logger = logger
        self.checkpointer = checkpointer
    }

    /// Opens (creating if needed) an SQLite database file and applies pending migrations.
    public static func openSQLite(path: String, logger: Logger) async throws -> SQLMetadataStore {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let database = connection.sql()
        // The one connection gets a page cache sized for a database of millions of executions
        // (SQLite's default is 2 MB: past a few hundred thousand executions every insert read
        // index pages back from the file), and reads pages through a memory map, not `pread`.
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
                       "PRAGMA busy_timeout=10000", "PRAGMA cache_size=-65536", "PRAGMA mmap_size=268435456",
                       "PRAGMA temp_store=MEMORY", "PRAGMA wal_autocheckpoint=0"] {
            try await database.raw(SQLQueryString(pragma)).run()
        }
        let checkpointer = try await WALCheckpointer.start(path: path, logger: logger)
        let store = SQLMetadataStore(database: database, connection: connection, logger: logger,
                                     checkpointer: checkpointer)
        try await store.migrate()
        return store
    }

    public func close() async {
        await checkpointer?.stop()
        try? await connection?.close()
    }

    /// Runs `body` with exclusive use of the connection.
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

    /// Runs a read of execution data after every queued execution write has committed, so that a
    /// deferred write is never missed.
    func readingExecutions<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await writes.barrier(store: self)
        return try await withDatabase(body)
    }

    /// Runs `body` in one transaction.
    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDatabase { db in
            try await db.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Applies the migrations not yet recorded, each in its own transaction.
    func migrate() async throws {
        try await withDatabase { db in
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                    applied_at DOUBLE PRECISION NOT NULL)
                """).run()
        }
        let applied = try await withDatabase { db in
            try await db.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int.self) }
        }
        for migration in Migrations.all where !applied.contains(migration.version) {
            try await transaction { db in
                for statement in migration.prepare { try await db.raw(SQLQueryString(statement)).run() }
                try await migration.rewrite?(db)
                try await db.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Date().timeIntervalSince1970))
                    """).run()
            }
            logger.info("applied migration \(migration.version) \(migration.name)")
        }
    }

    /// Latest applied schema version.
    public func schemaVersion() async throws -> Int {
        try await withDatabase { db in
            try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int?.self) ?? 0
        }
    }
}

extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try decode(column: column, as: Double.self)) }
    func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func double(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Int.self) != 0 }
    func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try string(column).utf8))
    }
}

func encodeJSON(_ value: [String: JSONValue]) -> String {
    JSONValue.object(value).jsonString()
}

func encodeJSON(_ value: JSONValue) -> String {
    value.jsonString()
}

func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
}
