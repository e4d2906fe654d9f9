/// One statement of a migration: the same text for every database (a string literal), or a
/// text per database where their SQL differs.
struct MigrationStatement: Sendable, ExpressibleByStringLiteral {
    var sqlite: String
    var postgres: String

    init(stringLiteral text: String) {
        sqlite = text
        postgres = text
    }

    init(sqlite: String, postgres: String) {
        self.sqlite = sqlite
        self.postgres = postgres
    }

    func text(for dialect: StoreDialect) -> String {
        switch dialect {
        case .sqlite: sqlite
        case .postgres: postgres
        }
    }
}
