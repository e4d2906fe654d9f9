import Foundation
import Logging

/// Which metadata database a server uses, chosen by URL scheme (`--database`):
///
/// - `sqlite:` — the SQLite file under the data directory (the default);
/// - `sqlite:/path/file.db` (or `sqlite:///path/file.db`) — an SQLite file elsewhere;
/// - `postgres://user:password@host:port/database` (or `postgresql://`) — PostgreSQL.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file; nil: the data directory's own.
    case sqlite(path: String?)
    case postgres(PostgresURL)

    public init(parsing text: String) throws(StoreLocationError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(parsing: text))
        } else if lowered.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            self = .sqlite(path: path.isEmpty ? nil : path)
        } else {
            throw StoreLocationError(
                "unsupported database URL (expected sqlite:, sqlite:/path/file.db or postgres://user:password@host:port/database)")
        }
    }

    /// Opens the store, applying pending migrations; `defaultSQLitePath` is the data
    /// directory's file. Failures to reach PostgreSQL are `StoreLocationError`s.
    public func open(defaultSQLitePath: String, logger: Logger) async throws -> SQLMetadataStore {
        switch self {
        case .sqlite(let path):
            return try await SQLMetadataStore.openSQLite(path: path ?? defaultSQLitePath, logger: logger)
        case .postgres(let url):
            return try await SQLMetadataStore.openPostgres(url, logger: logger)
        }
    }

    /// The location without any password.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path ?? "")"
        case .postgres(let url): url.description
        }
    }
}
