import SQLKit

/// Begin, commit and rollback around a body, on a connection the caller holds.
enum SQLTransaction {
    static func run<T: Sendable>(on db: any SQLDatabase, dialect: StoreDialect,
                                 _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await db.raw(SQLQueryString(dialect.begin)).run()
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
