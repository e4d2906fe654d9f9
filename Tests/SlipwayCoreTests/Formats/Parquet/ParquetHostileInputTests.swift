import Foundation
import Testing

@testable import SlipwayCore

/// Truncated, corrupted and crafted files must produce a ParquetError, never a crash, an
/// out-of-bounds read or an unbounded allocation.
@Suite("Parquet hostile input")
struct ParquetHostileInputTests {
    /// Everything a caller does with a file, so that a file that opens from corrupted bytes is
    /// also safe to read.
    private func use(_ data: Data, limits: ParquetLimits = .default) throws {
        let file = try ParquetFile(data: data, limits: limits)
        for index in file.schema.columns.indices {
            let column = try file.column(index)
            _ = column.featureValues()
        }
        _ = try file.records()
    }

    @Test(arguments: ["pandas_defaults", "page_v2", "uncompressed", "no_dictionary_v2", "types", "int96", "row_groups"])
    func randomByteMutationsNeverCrash(name: String) throws {
        let original = [UInt8](try ParquetTestSupport.data(name))
        var random = ArrowTestSupport.SplitMix(state: UInt64(original.count) &* 0x9E37_79B9)
        // Small limits, so that a mutated size is refused rather than allocated.
        let limits = ParquetLimits(maxColumns: 64, maxRows: 5_000, maxPageBytes: 1 << 20, maxColumnBytes: 1 << 20,
                                   maxFooterBytes: 1 << 16)
        var outcomes = (read: 0, refused: 0)
        // 200 mutations per fixture here, in a debug build that runs beside every other test;
        // longer runs belong to a release build or a fuzzer.
        for iteration in 0..<200 {
            var bytes = original
            for _ in 0..<(1 + iteration % 4) {
                // Half the mutations hit the footer, where a flip changes the structure.
                let footer = max(4, bytes.count - 600)
                let index = iteration % 2 == 0
                    ? Int.random(in: footer..<(bytes.count - 8), using: &random)
                    : Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
                default: bytes[index] = [0x00, 0xFF, 0x7F, 0x80, 0x15, 0x19][Int.random(in: 0..<6, using: &random)]
                }
            }
            do {
                try use(Data(bytes), limits: limits)
                outcomes.read += 1
            } catch is ParquetError {
                outcomes.refused += 1
            }
        }
        // Both outcomes happen: mutations in values still read, mutations in structure are refused.
        #expect(outcomes.read > 0)
        #expect(outcomes.refused > 0)
    }

    @Test func everyPrefixThrows() throws {
        let bytes = try ParquetTestSupport.data("int96")
        for length in 0..<bytes.count {
            #expect(throws: ParquetError.self, "prefix of \(length) bytes") { try use(bytes.prefix(length)) }
        }
    }

    @Test func cutsInPagesOrFooterThrow() throws {
        let data = try ParquetTestSupport.data("pandas_defaults")
        let original = [UInt8](data)
        let file = try ParquetFile(data: data)
        // The pages end where the last chunk does; pyarrow's page indexes (which this reader does
        // not use) follow, then the footer.
        let pagesEnd = file.rowGroups.flatMap(\.columns).map {
            Int(min($0.dataPageOffset, $0.dictionaryPageOffset ?? .max)) + $0.compressedSize
        }.max() ?? 0
        let footerLength = original.suffix(8).prefix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        let footerStart = original.count - 8 - footerLength
        let cuts = Array(stride(from: 4, to: pagesEnd, by: 23)) + Array(stride(from: footerStart, to: original.count - 8, by: 23))
        for cut in cuts {
            var bytes = original
            bytes.removeSubrange(cut..<min(cut + 5, original.count - 8))
            #expect(throws: ParquetError.self, "cut at \(cut)") { try use(Data(bytes)) }
        }
    }

    @Test func garbageIsRefused() {
        #expect(throws: ParquetError.self) { try ParquetFile(data: Data()) }
        #expect(throws: ParquetError.self) { try ParquetFile(data: Data("PAR1PAR1".utf8)) }
        #expect(throws: ParquetError.self) { try ParquetFile(data: Data(repeating: 0xFF, count: 64)) }
        // A footer length pointing before the start of the file.
        #expect(throws: ParquetError.self) { try ParquetFile(data: Data("PAR1\u{0}\u{0}\u{0}\u{0}\u{FF}\u{FF}\u{FF}\u{7F}PAR1".utf8)) }
        // An empty footer (a stop byte only) lacks the required fields.
        #expect(throws: ParquetError.self) { try ParquetFile(data: Data([0x50, 0x41, 0x52, 0x31, 0x00, 1, 0, 0, 0, 0x50, 0x41, 0x52, 0x31])) }
        let encrypted = #expect(throws: ParquetError.self) { try ParquetFile(data: Data("PAR1\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}PARE".utf8)) }
        #expect(encrypted?.message.contains("encrypted") == true)
    }

    /// A file whose footer is `footer` (Thrift compact bytes), with `body` between the magics.
    private func file(footer: [UInt8], body: [UInt8] = []) -> Data {
        let length = UInt32(footer.count)
        return Data(Array("PAR1".utf8) + body + footer
            + [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
            + Array("PAR1".utf8))
    }

    @Test func deeplyNestedUnknownFieldsAreRefusedNotRecursedWithoutBound() {
        // Field 20 (unknown) of type struct, nested 10,000 deep: skipping it must stop at the depth limit.
        let footer = [0x0C, 20 << 1] + Array(repeating: 0x1C, count: 10_000) + Array(repeating: 0, count: 10_001)
        let error = #expect(throws: ParquetError.self) { try ParquetFile(data: file(footer: footer.map(UInt8.init))) }
        #expect(error?.message.contains("nested too deeply") == true)
        // The same through lists of lists.
        let lists = [0x09, 20 << 1] + Array(repeating: 0x19, count: 10_000)
        #expect(throws: ParquetError.self) { try ParquetFile(data: file(footer: lists.map(UInt8.init))) }
    }

    @Test func hugeClaimedSizesAreRefusedBeforeAllocating() {
        // Field 2 (schema): a list of 2^31 structs in a 10-byte footer.
        let footer: [UInt8] = [0x19, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00]
        #expect(throws: ParquetError.self) { try ParquetFile(data: file(footer: footer)) }
        // Field 6 (created_by): a string of 2^40 bytes.
        let string: [UInt8] = [0x68, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00]
        #expect(throws: ParquetError.self) { try ParquetFile(data: file(footer: string)) }
        // A varint longer than 10 bytes.
        let varint: [UInt8] = [0x36] + Array(repeating: 0xFF, count: 12) + [0x01, 0x00]
        #expect(throws: ParquetError.self) { try ParquetFile(data: file(footer: varint)) }
    }

    @Test func limitsAreEnforced() throws {
        let data = try ParquetTestSupport.data("row_groups")
        let rows = #expect(throws: ParquetError.self) { try ParquetFile(data: data, limits: ParquetLimits(maxRows: 999)) }
        #expect(rows?.message.contains("rows") == true)
        #expect(throws: ParquetError.self) { try ParquetFile(data: data, limits: ParquetLimits(maxColumns: 3)) }
        #expect(throws: ParquetError.self) { try ParquetFile(data: data, limits: ParquetLimits(maxFooterBytes: 100)) }
        let smallPages = try ParquetFile(data: data, limits: ParquetLimits(maxPageBytes: 64))
        let page = #expect(throws: ParquetError.self) { try smallPages.column(0) }
        #expect(page?.message.contains("decompresses to") == true)
        let fewBytes = try ParquetFile(data: data, limits: ParquetLimits(maxColumnBytes: 1_000))
        #expect(throws: ParquetError.self) { try fewBytes.column(named: "name") }
        #expect(try fewBytes.column(named: "id").count == 1_000)
    }

    @Test func aPageOfTheWrongKindIsRefused() throws {
        var bytes = [UInt8](try ParquetTestSupport.data("no_dictionary_v2"))
        // Every page here starts with a PageHeader whose field 1 (type) is i32 3 (DATA_PAGE_V2,
        // zigzag 6): bytes 0x15 0x06. Making the first one type 0 (DATA_PAGE) leaves it without
        // the v1 header that type needs.
        let start = try #require((4..<bytes.count - 1).first { bytes[$0] == 0x15 && bytes[$0 + 1] == 0x06 })
        bytes[start + 1] = 0x00
        let file = try ParquetFile(data: Data(bytes))
        let error = #expect(throws: ParquetError.self) { try file.column(0) }
        #expect(error?.message.contains("no data page header") == true)
    }
}
