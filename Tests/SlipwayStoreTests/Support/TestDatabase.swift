import Foundation
import Logging
import PostgresKit

@testable import SlipwayStore

/// A fresh, empty database of one backend, which tests open (and reopen) as a store: a new
/// SQLite file in its own temporary directory, or a new database on the PostgreSQL server of
/// `SLIPWAY_TEST_POSTGRES_URL`, so that tests running in parallel never see each other's rows.
struct TestDatabase: Sendable {
    let backend: StoreBackendKind
    let location: StoreLocation
    private let directory: URL?
    private let admin: PostgresURL?

    static func create(_ backend: StoreBackendKind) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return TestDatabase(backend: backend, location: .sqlite(path: directory.appendingPathComponent("meta.sqlite").path),
                                directory: directory, admin: nil)
        case .postgres:
            let admin = try PostgresURL(parsing: try requirePostgresURLValue())
            let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            try await Self.run("CREATE DATABASE \(name)", on: admin)
            var url = admin
            url.database = String(name)
            return TestDatabase(backend: backend, location: .postgres(url), directory: nil, admin: admin)
        }
    }

    /// The SQLite file's path (SQLite only).
    var path: String? {
        if case .sqlite(let path) = location { return path }
        return nil
    }

    func open() async throws -> SQLMetadataStore {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return try await location.open(defaultSQLitePath: "", logger: logger)
    }

    func remove() async {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        if let admin, case .postgres(let url) = location {
            try? await Self.run("DROP DATABASE IF EXISTS \(url.database) WITH (FORCE)", on: admin)
        }
    }

    /// Runs one statement on the administrative database (outside any transaction).
    private static func run(_ statement: String, on url: PostgresURL) async throws {
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1,
                                                              logger: Logger(label: "test"))
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "test"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The PostgreSQL URL, or a failure saying it is needed (only PostgreSQL cases ask for it).
private func requirePostgresURLValue() throws -> String {
    guard let url = StoreBackendKind.postgresURL else {
        throw StoreLocationError("SLIPWAY_TEST_POSTGRES_URL is not set")
    }
    return url
}

/// Runs `body` on a fresh store of `backend`, closed and removed afterwards.
func withStore(_ backend: StoreBackendKind, _ body: (SQLMetadataStore) async throws -> Void) async throws {
    let database = try await TestDatabase.create(backend)
    let store: SQLMetadataStore
    do {
        store = try await database.open()
    } catch {
        await database.remove()
        throw error
    }
    do {
        try await body(store)
    } catch {
        await store.close()
        await database.remove()
        throw error
    }
    await store.close()
    await database.remove()
}
