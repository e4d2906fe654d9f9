import Foundation
import Logging
import Testing

@testable import SlipwayStore

/// `--database` values: which backend they select, and errors that never show a password.
@Suite("Store locations")
struct StoreLocationTests {
    @Test func sqliteLocations() throws {
        #expect(try StoreLocation(parsing: "sqlite:") == .sqlite(path: nil))
        #expect(try StoreLocation(parsing: "sqlite:/var/lib/slipway/meta.db") == .sqlite(path: "/var/lib/slipway/meta.db"))
        #expect(try StoreLocation(parsing: "sqlite:///var/lib/meta.db") == .sqlite(path: "/var/lib/meta.db"))
        #expect(try StoreLocation(parsing: "sqlite:relative.db") == .sqlite(path: "relative.db"))
    }

    @Test func postgresLocations() throws {
        let url = try PostgresURL(parsing: "postgres://slip%40way:p%3Ass@db.example:6543/meta?sslmode=require")
        #expect(url == PostgresURL(host: "db.example", port: 6543, username: "slip@way", password: "p:ss",
                                   database: "meta", tlsMode: .require))
        #expect(try StoreLocation(parsing: "postgresql://u@127.0.0.1/db") == .postgres(
            PostgresURL(host: "127.0.0.1", username: "u", database: "db")))
        // The database defaults to the user's name, the user to "postgres", as libpq does.
        #expect(try PostgresURL(parsing: "postgres://localhost").database == "postgres")
        #expect(try PostgresURL(parsing: "postgres://[::1]:5433/x").host == "::1")
    }

    @Test func descriptionsHideThePassword() throws {
        let location = try StoreLocation(parsing: "postgres://admin:hunter2@db:5432/slipway")
        #expect(location.description == "postgres://admin@db:5432/slipway")
        #expect(!location.description.contains("hunter2"))
    }

    @Test(arguments: [
        "mysql://u:hunter2@h/db", "postgres://u:hunter2@/db", "postgres://u:hunter2@h:99999/db",
        "postgres://u:hunter2@h/db/extra", "postgres://u:hunter2@h/db?sslmode=sometimes",
        "postgres://u:hunter2@h/db?application=x", "/just/a/path", "",
    ])
    func malformedLocationsAreRefusedWithoutThePassword(_ text: String) {
        do {
            _ = try StoreLocation(parsing: text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(!error.message.isEmpty)
            #expect(!error.message.contains("hunter2"))
            #expect(!error.message.contains("\n"))
        }
    }

    /// Nothing listens on the port: opening fails at once with one line naming the server.
    @Test func anUnreachableServerIsAClearError() async throws {
        let port = try closedPort()
        let location = try StoreLocation(parsing: "postgres://slipway:hunter2@127.0.0.1:\(port)/slipway")
        do {
            let store = try await location.open(defaultSQLitePath: "", logger: Logger(label: "test"))
            await store.close()
            Issue.record("opened a store on a closed port")
        } catch let error as StoreLocationError {
            #expect(error.message.hasPrefix("cannot connect to PostgreSQL at postgres://slipway@127.0.0.1:\(port)/slipway"))
            #expect(!error.message.contains("hunter2"))
            #expect(!error.message.contains("\n"))
        }
    }

    /// A loopback port nobody listens on (bound, then released).
    func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw StoreLocationError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
