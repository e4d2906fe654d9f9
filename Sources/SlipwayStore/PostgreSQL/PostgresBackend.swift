import Foundation
import Logging
import PostgresKit

/// PostgreSQL through postgres-nio's `PostgresClient`: a pool of connections, each statement or
/// transaction on a connection of its own, so concurrent writers run side by side and
/// PostgreSQL's row locks (not a lock of ours) order them. Every write is committed before the
/// call returns; there is no group commit (PostgreSQL commits concurrent transactions in
/// parallel). The client runs in a task of its own for the life of the store.
final class PostgresBackend: SQLStoreBackend {
    var dialect: StoreDialect { .postgres }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Most connections one store opens.
    static let maximumConnections = 16

    /// Connects once to check that the server answers and the database exists (the pool would
    /// otherwise retry quietly), then starts the pool.
    static func open(_ url: PostgresURL, logger: Logger) async throws -> PostgresBackend {
        try await probe(url, logger: logger)
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try clientTLS(url.tlsMode))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return PostgresBackend(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
    }

    private static func probe(_ url: PostgresURL, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: try connectionTLS(url.tlsMode))
        configuration.options.connectTimeout = .seconds(10)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw StoreLocationError("cannot connect to PostgreSQL at \(url): \(describe(error))")
        }
        do {
            _ = try await connection.sql(queryLogLevel: nil).raw("SELECT 1 AS one").all()
        } catch {
            try? await connection.close()
            throw StoreLocationError("PostgreSQL at \(url) does not answer queries: \(describe(error))")
        }
        try? await connection.close()
    }

    private static func clientTLS(_ mode: PostgresURL.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    private static func connectionTLS(_ mode: PostgresURL.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// The server's own message when it sent one (it names no password), else the network error.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return describe(underlying) }
            return String(describing: error.code)
        }
        if let error = error as? NIOConnectionError {
            if let failure = error.connectionErrors.last { return String(describing: failure.error) }
            if let lookup = error.dnsAError ?? error.dnsAAAAError { return "cannot resolve \(error.host): \(lookup)" }
        }
        return String(describing: error)
    }

    func close() async {
        runner.cancel()
        await runner.value
    }

    func withDatabase<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        // Statements are not logged: their binds hold users' data.
        try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
    }

    func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withDatabase { db in try await SQLTransaction.run(on: db, dialect: .postgres, body) }
    }

    func submit(_ writes: [ExecutionWrite]) async throws -> Bool {
        try await transaction { db in try await PostgresExecutionWrites.apply(writes, db: db) }.last ?? true
    }

    /// Writes are committed before `submit` returns: nothing is ever queued.
    func executionWriteBarrier() async throws {}
}
