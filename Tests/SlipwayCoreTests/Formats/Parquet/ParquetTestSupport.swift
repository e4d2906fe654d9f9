import Foundation
import Testing

@testable import SlipwayCore

/// Loads the pyarrow-written fixtures (test resources) and what pyarrow read back from them
/// (`expected.json`, written by `Fixtures/make_fixtures.py`).
enum ParquetTestSupport {
    /// Fixtures the reader reads completely.
    static let readable = [
        "pandas_defaults", "page_v2", "uncompressed", "no_dictionary", "no_dictionary_v2", "row_groups", "types",
        "types_v1", "int96", "arthur_inferences", "arthur_ground_truth",
    ]

    /// Fixtures with every row in expected.json.
    static let withRecords = [
        "pandas_defaults", "page_v2", "uncompressed", "no_dictionary", "no_dictionary_v2", "types", "types_v1", "int96",
    ]

    static func data(_ name: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "parquet", subdirectory: "Fixtures"),
                               "fixture \(name).parquet")
        return try Data(contentsOf: url)
    }

    static func file(_ name: String) throws -> ParquetFile {
        try ParquetFile(data: try data(name))
    }

    /// The entry of `name` in expected.json.
    static func expected(_ name: String) throws -> [String: JSONValue] {
        let url = try #require(Bundle.module.url(forResource: "expected", withExtension: "json", subdirectory: "Fixtures"))
        let all = try #require(try JSONValue.parse(try Data(contentsOf: url)).objectValue)
        return try #require(all[name]?.objectValue, "expected.json has \(name)")
    }

    /// Whether two JSON values are equal, numbers within a relative 1e-15 (a DECIMAL's Double is
    /// computed by a division that Python's `float(Decimal)` does not need).
    static func matches(_ actual: JSONValue, _ expected: JSONValue) -> Bool {
        switch (actual, expected) {
        case (.number(let a), .number(let b)):
            return a == b || abs(a - b) <= 1e-15 * max(abs(a), abs(b))
        case (.object(let a), .object(let b)):
            return a.keys.sorted() == b.keys.sorted() && a.allSatisfy { key, value in matches(value, b[key]!) }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
        default:
            return actual == expected
        }
    }

    static func json(_ record: [String: FeatureValue]) -> JSONValue {
        .object(record.mapValues(\.json))
    }
}
