import Testing

/// Says, in the test report, whether the contract tests also ran on PostgreSQL.
@Suite("PostgreSQL test configuration")
struct PostgresConfigurationTests {
    @Test(.disabled(if: StoreBackendKind.postgresURL == nil,
                    "SLIPWAY_TEST_POSTGRES_URL is not set: the store contract tests ran on SQLite only (scripts/test sets it)"))
    func postgresCasesRun() {
        #expect(StoreBackendKind.available.contains(.postgres))
    }
}
