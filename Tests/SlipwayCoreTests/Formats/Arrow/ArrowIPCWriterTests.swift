import Foundation
import Testing

@testable import SlipwayCore

// The writer's output was checked with pyarrow 26.0.1 during development (pyarrow.ipc.open_file,
// read_all, Table.validate(full=True), compared with pyarrow's own reading of each fixture, and
// pa.ipc.read_schema for encodeMessage); ArrowPyarrowCrossCheckTests repeats that check whenever
// SLIPWAY_TEST_PYARROW_PYTHON points at a Python with pyarrow.
@Suite("Arrow IPC writer")
struct ArrowIPCWriterTests {
    @Test(arguments: ArrowTestSupport.files.map(\.name))
    func rewritingAFixtureKeepsItsContents(name: String) throws {
        let original = try ArrowIPC.readFile(try #require(ArrowTestSupport.files.first { $0.name == name }).data)
        let written = ArrowIPC.writeFile(original)
        let reread = try ArrowIPC.readFile(written)
        #expect(reread.schema == original.schema)
        #expect(reread.batches.map(\.count) == original.batches.map(\.count))
        // Byte equality of a second write also covers NaN, which == on values does not.
        #expect(ArrowIPC.writeFile(reread) == written)
        if name != "misc" { #expect(reread == original) }
    }

    @Test func fileLayout() throws {
        let table = try ArrowIPC.readFile(ArrowFixtures.small)
        let bytes = [UInt8](ArrowIPC.writeFile(table))
        #expect(Array(bytes.prefix(8)) == Array("ARROW1".utf8) + [0, 0])
        #expect(Array(bytes.suffix(6)) == Array("ARROW1".utf8))
        // The schema message follows the magic, framed with a continuation marker; every message
        // and the footer start on an 8-byte boundary.
        var cursor = ArrowMessageCursor(bytes: bytes, position: 8)
        var starts: [Int] = []
        while cursor.position % 8 == 0, let message = try cursor.next() {
            starts.append(message.bodyStart)
            #expect(message.bodyStart % 8 == 0)
            #expect(message.bodyLength % 8 == 0)
        }
        #expect(starts.count == 2)  // schema and one record batch, then the end-of-stream marker
        let footerLength = Int(ArrowMessageCursor.u32(bytes, bytes.count - 10))
        #expect((bytes.count - 10 - footerLength) % 8 == 0)
    }

    @Test func streamRoundTrip() throws {
        let table = try ArrowIPC.readStream(ArrowFixtures.stream)
        let written = ArrowIPC.writeStream(table)
        #expect(written.suffix(8) == Data([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]))
        #expect(try ArrowIPC.readStream(written) == table)
    }

    @Test func constructedTableRoundTrips() throws {
        let schema = ArrowSchema(fields: [
            ArrowField("h", .float16), ArrowField("u", .uint16, nullable: false), ArrowField("d", .date64),
            ArrowField("t", .timestamp(.microsecond, timezone: "+01:00")),
        ], metadata: ["k": "v"])
        let columns = [
            try ArrowArray(type: .float16, count: 3, validity: [true, false, true], values: .floats([0.1, 0, -70000])),
            try ArrowArray(type: .uint16, count: 3, values: .unsignedIntegers([0, 1, 65535])),
            try ArrowArray(type: .date64, count: 3, values: .integers([0, 86_400_000, -86_400_000])),
            try ArrowArray(type: .timestamp(.microsecond, timezone: "+01:00"), count: 3, values: .integers([1, 2, 3])),
        ]
        let table = try ArrowTable(schema: schema, batches: [try ArrowRecordBatch(count: 3, columns: columns)])
        let reread = try ArrowIPC.readFile(ArrowIPC.writeFile(table))
        #expect(reread.schema == schema)
        let rows = reread.records()
        // 0.1 rounds to the nearest half (0.0999755859375); -70000 overflows to -infinity.
        #expect(rows.map { $0["h"] } == [.number(0.0999755859375), .null, .number(-.infinity)])
        #expect(rows.map { $0["d"] } == [.string("1970-01-01"), .string("1970-01-02"), .string("1969-12-31")])
        #expect(rows[0]["t"] == .string("1970-01-01T00:00:00.000001Z"))
    }

    @Test func invalidArraysAreRefused() {
        #expect(throws: ArrowError.self) { try ArrowArray(type: .int8, count: 1, values: .integers([300])) }
        #expect(throws: ArrowError.self) { try ArrowArray(type: .utf8, count: 2, values: .strings(["a"])) }
        #expect(throws: ArrowError.self) { try ArrowArray(type: .bool, count: 1, values: .integers([1])) }
        #expect(throws: ArrowError.self) {
            let child = try ArrowArray(type: .int64, count: 2, values: .integers([1, 2]))
            return try ArrowArray(type: .list(ArrowField("item", .int64)), count: 1, values: .lists(offsets: [0, 3], values: child))
        }
        #expect(throws: ArrowError.self) {
            let child = try ArrowArray(type: .int64, count: 2, values: .integers([1, 2]))
            return try ArrowArray(type: .fixedSizeList(ArrowField("item", .int64), size: 3), count: 1, values: .fixedSizeLists(child))
        }
        #expect(throws: ArrowError.self) {
            let column = try ArrowArray(type: .int64, count: 1, validity: [false], values: .integers([0]))
            return try ArrowTable(schema: ArrowSchema(fields: [ArrowField("x", .int64, nullable: false)]),
                                  batches: [try ArrowRecordBatch(count: 1, columns: [column])])
        }
    }

    @Test func halfFloatConversions() {
        for bits in UInt16.min...UInt16.max {
            let value = ArrowHalfFloat.float(fromBits: bits)
            if value.isNaN { continue }
            #expect(ArrowHalfFloat.bits(from: value) == bits, "half \(bits)")
        }
        #expect(ArrowHalfFloat.bits(from: 65520) == 0x7C00)  // rounds up to infinity
        #expect(ArrowHalfFloat.bits(from: 1e-8) == 0)
        #expect(ArrowHalfFloat.float(fromBits: ArrowHalfFloat.bits(from: .nan)).isNaN)
    }
}
