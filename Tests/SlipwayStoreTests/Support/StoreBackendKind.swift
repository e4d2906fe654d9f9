import Foundation
import Testing

/// A backend the store contract tests run on. PostgreSQL runs when `SLIPWAY_TEST_POSTGRES_URL`
/// names a server (`scripts/test` starts one); without it only SQLite runs, and
/// `PostgresTestConfiguration.postgresCasesRun` is reported skipped with a note saying so.
enum StoreBackendKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// An administrative URL of a PostgreSQL server whose user may create databases.
    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SLIPWAY_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backends available here.
    static var available: [StoreBackendKind] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}
