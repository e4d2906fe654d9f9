import Foundation
import Testing

@testable import SlipwayCore

@Suite("Arrow IPC reader")
struct ArrowIPCReaderTests {
    @Test(arguments: ArrowTestSupport.filesWithRecords.map(\.name))
    func recordsMatchPyarrow(name: String) throws {
        let fixture = try #require(ArrowTestSupport.filesWithRecords.first { $0.name == name })
        let table = try ArrowIPC.readFile(fixture.data)
        #expect(table.records() == (try ArrowTestSupport.records(fixture.records)))
    }

    @Test func ccfraudTable() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.ccfraud)
        #expect(table.schema.fields.map(\.name) == ["tensor"])
        #expect(table.schema.fields[0].type == .list(ArrowField("item", .float64)))
        #expect(table.schema.metadata["pandas"]?.contains("\"tensor\"") == true)
        #expect(table.rowCount == 5)
        let rows = table.records()
        #expect(rows[0]["tensor"]?.arrayValue?.count == 29)
        #expect(rows[4]["tensor"]?.arrayValue?.first == .number(-7.0))
    }

    @Test func schemaTypes() throws {
        let ints = try ArrowIPC.readFile(ArrowFixtures.ints).schema.fields.map(\.type)
        #expect(ints == [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64])
        let strings = try ArrowIPC.readFile(ArrowFixtures.strings).schema.fields.map(\.type)
        #expect(strings == [.utf8, .largeUTF8])
        let nested = try ArrowIPC.readFile(ArrowFixtures.nestedLists).schema.fields[0].type
        #expect(nested == .list(ArrowField("item", .list(ArrowField("item", .float32)))))
        let fixed = try ArrowIPC.readFile(ArrowFixtures.fixedSizeList).schema.fields[0]
        #expect(fixed.type == .fixedSizeList(ArrowField("item", .int32), size: 3))
        #expect(fixed.children.map(\.name) == ["item"])
        let structs = try ArrowIPC.readFile(ArrowFixtures.structs).schema.fields
        #expect(structs.map(\.name) == ["in", "out"])
        #expect(structs[0].type == .struct([
            ArrowField("a", .float64), ArrowField("b", .utf8), ArrowField("v", .list(ArrowField("item", .int64))),
        ]))
        #expect(structs[1].type == .struct([ArrowField("score", .float64), ArrowField("label", .bool)]))
    }

    @Test func temporalValues() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.temporal)
        #expect(table.schema.fields.map(\.type) == [
            .timestamp(.second, timezone: nil), .timestamp(.millisecond, timezone: "UTC"),
            .timestamp(.microsecond, timezone: "Europe/Paris"), .timestamp(.nanosecond, timezone: nil), .date32, .date64,
        ])
        let expected = try ArrowTestSupport.records("""
            [{"s": "1970-01-01T00:00:00", "ms": "1969-12-31T23:59:59.999Z", "us": "2023-11-14T22:13:20.123456Z",
              "ns": "2023-11-14T22:13:20.123456789", "d32": "2024-02-29", "d64": "2000-01-01"},
             {"s": "2023-11-14T22:13:20", "ms": "2023-11-14T22:13:20.123Z", "us": "1970-01-01T00:00:00.000000Z",
              "ns": "1969-12-31T23:59:58.999999999", "d32": "1969-12-31", "d64": null},
             {"s": null, "ms": null, "us": null, "ns": null, "d32": null, "d64": "1900-03-01"}]
            """)
        #expect(table.records() == expected)
        guard case .integers(let raw) = table.batches[0].columns[3].values else { Issue.record("not integers"); return }
        #expect(raw[0] == 1_700_000_000_123_456_789)
    }

    @Test func miscTypes() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.misc)
        #expect(table.schema.fields.map(\.type) == [
            .float16, .float32, .binary, .largeBinary, .largeList(ArrowField("item", .int16)), .null,
        ])
        let rows = table.records()
        #expect(rows.map { $0["h"] } == [.number(1.5), .null, .number(-0.0009765625), .number(65504)])
        guard case .number(let nan)? = rows[1]["f"] else { Issue.record("no NaN"); return }
        #expect(nan.isNaN)
        #expect(rows.map { $0["f"] }.enumerated().filter { $0.offset != 1 }.map(\.element) == [.number(1.25), .number(.infinity), .null])
        #expect(rows.map { $0["bin"] } == [.string("AAE="), .null, .string(""), .string("YWJj")])
        #expect(rows.map { $0["lbin"] } == [.string("eg=="), .string(""), .null, .string("/w==")])
        #expect(rows.map { $0["ll"] } == [.array([.number(1)]), .null, .array([.number(2), .number(3)]), .array([])])
        #expect(rows.map { $0["n"] } == [.null, .null, .null, .null])
        #expect(table.batches[0].columns[5].nullCount == 4)
    }

    @Test func categoricalIsDecodedToItsValues() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.categorical)
        // pandas 3 stores strings as large_string, older pandas as string.
        #expect([.utf8, .largeUTF8].contains(table.schema.fields[0].type))
        #expect(table.records().map { $0["color"] } == [.string("red"), .string("green"), .null, .string("red"), .string("blue")])
    }

    @Test func streamWithTwoBatches() throws {
        let table = try ArrowIPC.readStream(ArrowFixtures.stream)
        #expect(table.batches.map(\.count) == [2, 3])
        #expect(table.records() == (try ArrowTestSupport.records(ArrowFixtures.streamRecords)))
        #expect(try ArrowIPC.read(ArrowFixtures.stream) == table)
        #expect(try ArrowIPC.read(ArrowFixtures.multiBatchFile) == ArrowIPC.readFile(ArrowFixtures.multiBatchFile))
    }

    @Test func streamWithoutContinuationMarkers() throws {
        // The pre-0.15 framing: a bare int32 length before each message, and a 0 at the end.
        var legacy = Data()
        var cursor = ArrowMessageCursor(bytes: [UInt8](ArrowFixtures.stream), position: 0)
        let bytes = [UInt8](ArrowFixtures.stream)
        var start = 0
        while let _ = try cursor.next() {
            legacy += bytes[(start + 4)..<cursor.position]
            start = cursor.position
        }
        legacy += Data([0, 0, 0, 0])
        #expect(try ArrowIPC.readStream(legacy) == ArrowIPC.readStream(ArrowFixtures.stream))
    }

    @Test func emptyTableKeepsItsSchema() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.empty)
        #expect(table.rowCount == 0)
        #expect(table.records().isEmpty)
        #expect(table.schema.fields.map(\.type) == [.int64, .utf8, .list(ArrowField("item", .float64))])
    }

    @Test func compressedBodiesAreRefused() throws {
        let error = try #require(throws: ArrowError.self) { try ArrowIPC.readFile(ArrowFixtures.compressedLZ4) }
        #expect(error.message.contains("compressed"))
    }

    @Test func streamIsNotAFile() throws {
        let error = try #require(throws: ArrowError.self) { try ArrowIPC.readFile(ArrowFixtures.stream) }
        #expect(error.message.contains("not an Arrow IPC file"))
    }
}
