import Foundation
import Logging
import SQLKit
import SlipwayCore

/// The metadata store on SQL, shared by its backends (SQLite, the embedded default, and
/// PostgreSQL). Rows are turned into domain values here, at the edge; nothing above this type
/// sees SQL. What differs between databases lives in the backend and in `StoreDialect`.
public final class SQLMetadataStore: MetadataStore {
    let backend: any SQLStoreBackend
    let logger: Logger

    init(backend: any SQLStoreBackend, logger: Logger) {
        self.backend = backend
        self.logger = logger
    }

    var dialect: StoreDialect { backend.dialect }

    /// Opens (creating if needed) an SQLite database file and applies pending migrations.
    public static func openSQLite(path: String, logger: Logger) async throws -> SQLMetadataStore {
        try await migrated(SQLiteBackend.open(path: path, logger: logger), logger: logger)
    }

    /// Connects to a PostgreSQL database (which must exist) and applies pending migrations.
    public static func openPostgres(_ url: PostgresURL, logger: Logger) async throws -> SQLMetadataStore {
        try await migrated(PostgresBackend.open(url, logger: logger), logger: logger)
    }

    private static func migrated(_ backend: any SQLStoreBackend, logger: Logger) async throws -> SQLMetadataStore {
        let store = SQLMetadataStore(backend: backend, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await backend.close()
            throw error
        }
        return store
    }

    public func close() async {
        await backend.close()
    }

    /// Runs `body` on a connection of the backend.
    func withDatabase<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.withDatabase(body)
    }

    /// Runs a read of execution data after every queued execution write has committed, so that a
    /// deferred write is never missed.
    func readingExecutions<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.executionWriteBarrier()
        return try await backend.withDatabase(body)
    }

    /// Runs `body` in one SQL transaction.
    func sqlTransaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.transaction(body)
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any MetadataStore) async throws -> T) async throws -> T {
        let dialect = dialect, logger = logger
        return try await backend.transaction { db in
            try await body(SQLMetadataStore(backend: BoundConnection(database: db, dialect: dialect), logger: logger))
        }
    }

    /// Applies the migrations not yet recorded, each in its own transaction, on one connection.
    /// On PostgreSQL an advisory lock keeps two servers starting at once from both applying them.
    func migrate() async throws {
        let dialect = dialect, logger = logger
        try await backend.withDatabase { db in
            if dialect == .postgres { try await db.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLockKey))").run() }
            do {
                try await Self.migrate(db, dialect: dialect, logger: logger)
            } catch {
                if dialect == .postgres { try? await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").run() }
                throw error
            }
            if dialect == .postgres { try await db.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLockKey))").run() }
        }
    }

    /// The advisory lock key migrations hold on PostgreSQL ("slipway" in ASCII).
    static let migrationLockKey = 0x736c_6970_7761_79

    private static func migrate(_ db: any SQLDatabase, dialect: StoreDialect, logger: Logger) async throws {
        try await db.raw("""
            CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                applied_at DOUBLE PRECISION NOT NULL)
            """).run()
        let applied = try await db.raw("SELECT version FROM schema_migrations").all()
            .map { try $0.decode(column: "version", as: Int.self) }
        for migration in Migrations.all where !applied.contains(migration.version) {
            try await SQLTransaction.run(on: db, dialect: dialect) { db in
                for statement in migration.prepare {
                    try await db.raw(SQLQueryString(statement.text(for: dialect))).run()
                }
                try await migration.rewrite?(db, dialect)
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
