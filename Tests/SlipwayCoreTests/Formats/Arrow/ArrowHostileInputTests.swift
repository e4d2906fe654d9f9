import Foundation
import Testing

@testable import SlipwayCore

/// Truncated, corrupted and crafted inputs must produce an ArrowError, never a crash, an
/// out-of-bounds read or an unbounded allocation.
@Suite("Arrow hostile input")
struct ArrowHostileInputTests {
    /// Exercises everything a caller does with a decoded table, so that a table that decodes
    /// from corrupted bytes is also safe to use.
    private func use(_ table: ArrowTable) throws {
        _ = table.records()
        _ = ArrowIPC.writeFile(table)
        for batch in table.batches {
            for column in batch.columns { try column.validate() }
        }
    }

    @Test func everyPrefixOfAFileThrows() {
        let bytes = ArrowFixtures.small
        for length in 0..<bytes.count {
            #expect(throws: ArrowError.self, "prefix of \(length) bytes") { try ArrowIPC.readFile(bytes.prefix(length)) }
        }
        let written = ArrowIPC.writeFile(try! ArrowIPC.readFile(ArrowFixtures.structs))
        for length in 0..<written.count {
            #expect(throws: ArrowError.self, "prefix of \(length) bytes") { try ArrowIPC.readFile(written.prefix(length)) }
        }
    }

    @Test func everyPrefixOfAStreamThrowsOrReadsFewerRows() throws {
        let bytes = ArrowFixtures.stream
        let full = try ArrowIPC.readStream(bytes).rowCount
        for length in 0..<bytes.count {
            do {
                let table = try ArrowIPC.readStream(bytes.prefix(length))
                // A prefix ending exactly between messages is a valid stream; only the one that
                // drops nothing but the end-of-stream marker has every row.
                #expect(table.rowCount < full || length == bytes.count - 8)
            } catch is ArrowError {
            }
        }
    }

    @Test(arguments: ArrowTestSupport.files.map(\.name) + ["stream", "schema"])
    func randomByteFlipsNeverCrash(name: String) throws {
        let original: Data = switch name {
        case "stream": ArrowFixtures.stream
        case "schema": ArrowFixtures.serializedSchema
        default: try #require(ArrowTestSupport.files.first { $0.name == name }).data
        }
        var random = ArrowTestSupport.SplitMix(state: UInt64(original.count) &* 0x1234_5678)
        var bytes = [UInt8](original)
        let iterations = 1500
        for iteration in 0..<iterations {
            bytes = [UInt8](original)
            for _ in 0..<(1 + iteration % 4) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
                default: bytes[index] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &random)]
                }
            }
            do {
                switch name {
                case "stream": try use(try ArrowIPC.readStream(Data(bytes)))
                case "schema": _ = try ArrowSchema.decodeMessage(Data(bytes)).encodeMessage()
                default: try use(try ArrowIPC.readFile(Data(bytes)))
                }
            } catch is ArrowError {
            }
        }
    }

    @Test func garbageIsRefused() {
        #expect(throws: ArrowError.self) { try ArrowIPC.readFile(Data()) }
        #expect(throws: ArrowError.self) { try ArrowIPC.readStream(Data()) }
        #expect(throws: ArrowError.self) { try ArrowIPC.readFile(Data("ARROW1\0\0ARROW1".utf8)) }
        #expect(throws: ArrowError.self) { try ArrowIPC.readStream(Data(repeating: 0xFF, count: 64)) }
        #expect(throws: ArrowError.self) { try ArrowSchema.decodeMessage(Data(repeating: 0, count: 3)) }
        // A footer length pointing before the start of the file, and a negative one.
        for footerLength: Int32 in [1_000_000, -8, 0] {
            var bytes = [UInt8](ArrowFixtures.small)
            withUnsafeBytes(of: footerLength.littleEndian) { bytes.replaceSubrange((bytes.count - 10)..<(bytes.count - 6), with: $0) }
            #expect(throws: ArrowError.self) { try ArrowIPC.readFile(Data(bytes)) }
        }
    }

    @Test func nestingDeeperThan64IsRefused() throws {
        var type = ArrowType.int64
        for _ in 0..<65 { type = .list(ArrowField("item", type)) }
        let schema = ArrowSchema(fields: [ArrowField("deep", type)])
        let error = try #require(throws: ArrowError.self) { try ArrowSchema.decodeMessage(schema.encodeMessage()) }
        #expect(error.message.contains("64"))

        var ok = ArrowType.int64
        for _ in 0..<63 { ok = .list(ArrowField("item", ok)) }
        #expect(try ArrowSchema.decodeMessage(ArrowSchema(fields: [ArrowField("deep", ok)]).encodeMessage()).fields[0].type == ok)
    }

    @Test func absurdRowCountsAreRefused() throws {
        // The null type needs no buffers, so only the value budget stops 2^40 rows in 300 bytes.
        let column = ArrowArray(unchecked: .null, count: 1 << 40, validity: nil, values: .none)
        let table = ArrowTable(unchecked: ArrowSchema(fields: [ArrowField("n", .null)]),
                               batches: [ArrowRecordBatch(unchecked: 1 << 40, columns: [column])])
        let error = try #require(throws: ArrowError.self) { try ArrowIPC.readFile(ArrowIPC.writeFile(table)) }
        #expect(error.message.contains("more values than"))
    }

    @Test func columnsSharingOneBufferCannotMultiplyTheWork() throws {
        // 2000 bool columns of 64k rows whose data buffers all alias one 8 KiB buffer: the value
        // budget (16 per input byte) refuses it although every buffer is long enough.
        let rows = 65_536
        let fields = (0..<2000).map { ArrowField("c\($0)", .bool) }
        var body = [UInt8](repeating: 0xAA, count: rows / 8)
        body += []
        let nodes = fields.map { _ in ArrowMessage.RecordBatchHeader.Node(length: rows, nullCount: 0) }
        let buffers = fields.flatMap { _ in
            [ArrowMessage.RecordBatchHeader.Buffer(offset: 0, length: 0), .init(offset: 0, length: rows / 8)]
        }
        let schema = ArrowSchema(fields: fields)
        var stream = ArrowMessageWriter.encapsulate(ArrowMetadataEncoder.schemaMessage(schema))
        stream += ArrowMessageWriter.encapsulate(ArrowMetadataEncoder.recordBatchMessage(
            length: rows, nodes: nodes, buffers: buffers, bodyLength: body.count))
        stream += body
        let error = try #require(throws: ArrowError.self) { try ArrowIPC.readStream(Data(stream)) }
        #expect(error.message.contains("more values than"))
    }
}
