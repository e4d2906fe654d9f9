import Foundation
import Testing

@testable import SlipwayCore

@Suite("Arrow records conversion")
struct ArrowRecordsTests {
    @Test func infersPyarrowLikeTypes() throws {
        let records = try ArrowTestSupport.records("""
            [{"i": 1, "f": 1, "s": "a", "b": true, "l": [[1, 2], []], "o": {"x": 1, "y": "z"}, "n": null},
             {"i": -5, "f": 2.5, "s": null, "b": false, "l": null, "o": {"x": 2.5}},
             {"i": null, "f": 3, "l": [[3.5], null], "o": null}]
            """)
        let table = try ArrowTable(records: records)
        #expect(table.schema == ArrowSchema(fields: [
            ArrowField("b", .bool), ArrowField("f", .float64), ArrowField("i", .int64),
            ArrowField("l", .list(ArrowField("item", .list(ArrowField("item", .float64))))), ArrowField("n", .null),
            ArrowField("o", .struct([ArrowField("x", .float64), ArrowField("y", .utf8)])), ArrowField("s", .utf8),
        ]))
        let back = try ArrowIPC.readFile(ArrowIPC.writeFile(table)).records()
        #expect(back[0]["l"] == .array([.array([.number(1), .number(2)]), .array([])]))
        #expect(back[1]["o"] == .object(["x": .number(2.5), "y": .null]))
        #expect(back[2]["o"] == .null)
        #expect(back[2]["s"] == .null)
        #expect(back[2]["b"] == .null)
        #expect(back[0]["n"] == .null)
        #expect(back[1]["i"] == .number(-5))
    }

    @Test func ccfraudRecordsRoundTrip() throws {
        let rows: [[String: JSONValue]] = (0..<4).map { row in
            ["tensor": .array((0..<29).map { .number(Double(row) * 0.5 + Double($0) / 7) })]
        }
        let table = try ArrowTable(records: rows)
        #expect(table.schema.fields == [ArrowField("tensor", .list(ArrowField("item", .float64)))])
        #expect(try ArrowIPC.readFile(ArrowIPC.writeFile(table)).records() == rows)
    }

    @Test func mixedTypesNameColumnAndRow() throws {
        let records = try ArrowTestSupport.records(#"[{"x": "a"}, {"x": null}, {"x": 3}]"#)
        let error = try #require(throws: ArrowError.self) { try ArrowTable(records: records) }
        #expect(error.message.contains("'x'"))
        #expect(error.message.contains("row 2"))
        #expect(error.message.contains("string and number"))

        let nested = try ArrowTestSupport.records(#"[{"y": {"k": [1]}}, {"y": {"k": ["a"]}}]"#)
        let nestedError = try #require(throws: ArrowError.self) { try ArrowTable(records: nested) }
        #expect(nestedError.message.contains("'y'") && nestedError.message.contains("row 1") && nestedError.message.contains("k[]"))

        let inRow = try ArrowTestSupport.records(#"[{"z": [1, true]}]"#)
        #expect(throws: ArrowError.self) { try ArrowTable(records: inRow) }
    }

    @Test func convertsWithAGivenSchema() throws {
        let schema = ArrowSchema(fields: [
            ArrowField("id", .int32, nullable: false),
            ArrowField("when", .timestamp(.millisecond, timezone: "UTC")),
            ArrowField("day", .date32),
            ArrowField("raw", .binary),
            ArrowField("v", .fixedSizeList(ArrowField("item", .float32), size: 2)),
            ArrowField("in", .struct([ArrowField("a", .uint8), ArrowField("b", .largeUTF8)])),
        ])
        let records = try ArrowTestSupport.records("""
            [{"id": 1, "when": "2024-01-02T03:04:05.678+01:00", "day": "2024-03-01", "raw": "AAE=", "v": [1, 2],
              "in": {"a": 255, "b": "x", "ignored": 1}, "extra": "ignored"},
             {"id": 2, "when": 1500, "day": 19000, "v": null, "in": null}]
            """)
        let table = try ArrowTable(records: records, schema: schema)
        let rows = try ArrowIPC.readFile(ArrowIPC.writeFile(table)).records()
        #expect(rows[0] == [
            "id": .number(1), "when": .string("2024-01-02T02:04:05.678Z"), "day": .string("2024-03-01"),
            "raw": .string("AAE="), "v": .array([.number(1), .number(2)]), "in": .object(["a": .number(255), "b": .string("x")]),
        ])
        #expect(rows[1] == [
            "id": .number(2), "when": .string("1970-01-01T00:00:01.500Z"), "day": .string("2022-01-08"),
            "raw": .null, "v": .null, "in": .null,
        ])
    }

    @Test func schemaMismatchesNameColumnAndRow() throws {
        let schema = ArrowSchema(fields: [ArrowField("n", .int8, nullable: false), ArrowField("f", .fixedSizeList(ArrowField("item", .int64), size: 2))])
        func error(_ json: String) throws -> String {
            let records = try ArrowTestSupport.records(json)
            return try #require(throws: ArrowError.self) { try ArrowTable(records: records, schema: schema) }.message
        }
        #expect(try error(#"[{"n": 1}, {"n": 128}]"#).contains("'n'"))
        #expect(try error(#"[{"n": 1}, {"n": 128}]"#).contains("row 1"))
        #expect(try error(#"[{"n": 1.5}]"#).contains("whole numbers"))
        #expect(try error(#"[{"n": 1}, {}]"#).contains("not nullable"))
        #expect(try error(#"[{"n": "1"}]"#).contains("the string '1'"))
        #expect(try error(#"[{"n": 1, "f": [1, 2, 3]}]"#).contains("arrays of 2 elements"))
        #expect(try error(#"[{"n": 1, "f": [1, "x"]}]"#).contains("'f[]'"))
    }

    @Test func emptyRecords() throws {
        let inferred = try ArrowTable(records: [])
        #expect(inferred.schema.fields.isEmpty)
        #expect(inferred.rowCount == 0)
        let schema = ArrowSchema(fields: [ArrowField("x", .float64)])
        let typed = try ArrowTable(records: [], schema: schema)
        let reread = try ArrowIPC.readFile(ArrowIPC.writeFile(typed))
        #expect(reread.schema == schema)
        #expect(reread.rowCount == 0)
    }

    @Test func nonFiniteFloatsStayAsTheyAre() throws {
        let rows: [[String: JSONValue]] = [["x": .number(.nan)], ["x": .number(.infinity)], ["x": .number(1.5)]]
        let table = try ArrowTable(records: rows)
        #expect(table.schema.fields[0].type == .float64)
        let back = try ArrowIPC.readFile(ArrowIPC.writeFile(table)).records()
        guard case .number(let nan)? = back[0]["x"] else { Issue.record("not a number"); return }
        #expect(nan.isNaN)
        #expect(back[1]["x"] == .number(.infinity))
    }

    @Test func deepNestingIsRefused() throws {
        var value = JSONValue.number(1)
        for _ in 0..<70 { value = .array([value]) }
        #expect(throws: ArrowError.self) { try ArrowTable(records: [["deep": value]]) }
    }

    @Test func temporalText() {
        #expect(ArrowTemporal.parseTimestamp("2024-02-29", unit: .second) == 1_709_164_800)
        #expect(ArrowTemporal.parseTimestamp("1969-12-31T23:59:59.999999999Z", unit: .nanosecond) == -1)
        #expect(ArrowTemporal.parseTimestamp("2024-01-01 00:00:00-0130", unit: .second) == 1_704_072_600)
        #expect(ArrowTemporal.parseTimestamp("2023-02-29", unit: .second) == nil)
        #expect(ArrowTemporal.parseTimestamp("2023-01-01T25:00", unit: .second) == nil)
        #expect(ArrowTemporal.parseTimestamp("9999999-01-01", unit: .nanosecond) == nil)
        #expect(ArrowTemporal.parseDate("0001-01-01") == -719_162)
        #expect(ArrowTemporal.dateString(days: -719_162) == "0001-01-01")
        #expect(ArrowTemporal.timestampString(.min, unit: .nanosecond, utc: false) == "1677-09-21T00:12:43.145224192")
        #expect(ArrowTemporal.timestampString(.max, unit: .second, utc: true).hasSuffix("Z"))
    }
}
