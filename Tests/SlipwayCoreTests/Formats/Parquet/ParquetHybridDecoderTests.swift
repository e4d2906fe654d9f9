import Testing

@testable import SlipwayCore

@Suite("Parquet RLE / bit-packed hybrid decoder")
struct ParquetHybridDecoderTests {
    private func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt32] {
        var decoder = try ParquetHybridDecoder(bytes: bytes, range: 0..<bytes.count, bitWidth: bitWidth)
        var out: [UInt32] = []
        try decoder.decode(count, into: &out)
        return out
    }

    @Test func theSpecificationsExample() throws {
        // Parquet's documented example: values 0-7 bit-packed with bit width 3 (one group).
        #expect(try decode([0x03, 0x88, 0xC6, 0xFA], bitWidth: 3, count: 8) == [0, 1, 2, 3, 4, 5, 6, 7])
    }

    @Test func repeatedRunsThenBitPackedRuns() throws {
        // 5 × 1 (header 10), then one group: 1,0,1,1,0,0,0,1 (0b1000_1101), cut to 6 values.
        #expect(try decode([10, 1, 0x03, 0x8D], bitWidth: 1, count: 11) == [1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0])
        // A repeated value of width 9 takes two bytes.
        #expect(try decode([6, 0x2C, 0x01], bitWidth: 9, count: 3) == [300, 300, 300])
        // A run longer than asked for is clipped.
        #expect(try decode([200, 1, 7], bitWidth: 3, count: 4) == [7, 7, 7, 7])
        // Width 0 is all zeros and needs no bytes.
        #expect(try decode([], bitWidth: 0, count: 3) == [0, 0, 0])
        // Width 32 bit-packed.
        #expect(try decode([0x03] + [1, 0, 0, 0] + Array(repeating: 0xFF, count: 28), bitWidth: 32, count: 2) == [1, 0xFFFF_FFFF])
    }

    @Test func malformedRunsAreRefused() {
        #expect(throws: ParquetError.self) { try decode([], bitWidth: 1, count: 1) }
        #expect(throws: ParquetError.self) { try decode([0, 1], bitWidth: 1, count: 1) }  // empty run
        #expect(throws: ParquetError.self) { try decode([4], bitWidth: 8, count: 2) }  // value cut off
        #expect(throws: ParquetError.self) { try decode([4, 3], bitWidth: 1, count: 2) }  // value too wide
        #expect(throws: ParquetError.self) { try decode([0x05, 0xFF], bitWidth: 1, count: 16) }  // groups cut off
        #expect(throws: ParquetError.self) { try decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], bitWidth: 1, count: 1) }
        #expect(throws: ParquetError.self) { try decode([2, 0], bitWidth: 33, count: 1) }
    }

    @Test func bitWidths() {
        #expect(ParquetHybridDecoder.bitWidth(forMax: 0) == 0)
        #expect(ParquetHybridDecoder.bitWidth(forMax: 1) == 1)
        #expect(ParquetHybridDecoder.bitWidth(forMax: 7) == 3)
        #expect(ParquetHybridDecoder.bitWidth(forMax: 8) == 4)
    }
}
