import Foundation

/// Where a PostgreSQL database is: `postgres://user:password@host:port/database` (or
/// `postgresql://`), with an optional `?sslmode=disable|prefer|require` (default `prefer`, as
/// libpq). The password is kept for connecting only: `description` never shows it.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                tlsMode: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// Parses a `postgres://` or `postgresql://` URL. Errors name the problem, never the password.
    public init(parsing text: String) throws(StoreLocationError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), ["postgres", "postgresql"].contains(scheme) else {
            throw StoreLocationError("not a PostgreSQL URL (expected postgres://user:password@host:port/database)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreLocationError("the PostgreSQL URL has no host (expected postgres://user:password@host:port/database)")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw StoreLocationError("the PostgreSQL URL's port \(port) is not between 1 and 65535")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else {
            throw StoreLocationError("the PostgreSQL URL's path must be a database name, not '\(path)'")
        }
        let username = components.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        var tlsMode = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw StoreLocationError("unsupported PostgreSQL URL parameter '\(item.name)' (supported: sslmode)")
            }
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw StoreLocationError("sslmode must be disable, prefer or require")
            }
            tlsMode = mode
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host,
                  port: components.port ?? 5432, username: username, password: components.password,
                  database: path.isEmpty ? username : path, tlsMode: tlsMode)
    }

    /// The URL without its password.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username)@\(shownHost):\(port)/\(database)"
    }
}
