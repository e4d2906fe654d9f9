import Foundation
import Testing

@testable import SlipwayCore

@Suite("Snappy decoder")
struct SnappyDecoderTests {
    private func decode(_ block: [UInt8], expected: Int) throws -> [UInt8] {
        try SnappyDecoder.decompress(block, in: 0..<block.count, expectedSize: expected)
    }

    @Test func literalsAndEveryCopyKind() throws {
        // "abcd" literal (tag 3 << 2), then a 1-byte-offset copy of 4 from 4 back (tag 0b000_000_01).
        #expect(try decode([8, 0x0C] + Array("abcd".utf8) + [0x01, 4], expected: 8) == Array("abcdabcd".utf8))
        // 2-byte offset copy: length 3 ((3 - 1) << 2 | 2), offset 2.
        #expect(try decode([5, 0x04] + Array("xy".utf8) + [0x0A, 2, 0], expected: 5) == Array("xyxyx".utf8))
        // 4-byte offset copy: length 2, offset 1 (overlapping: repeats the last byte).
        #expect(try decode([3, 0x00, 0x7A, 0x07, 1, 0, 0, 0], expected: 3) == Array("zzz".utf8))
        // A long literal with a one-byte length (tag 60 << 2, then length - 1 = 99).
        let long = (0..<100).map { UInt8($0) }
        #expect(try decode([100, 0xF0, 99] + long, expected: 100) == long)
        // Empty input expands to nothing.
        #expect(try decode([0], expected: 0) == [])
    }

    @Test func overlappingCopiesRepeatAPattern() throws {
        // "ab", then copy 11 bytes from 2 back: "ababababababa".
        let block: [UInt8] = [13, 0x04, 0x61, 0x62, 0x1D, 2]
        #expect(try decode(block, expected: 13) == Array("ababababababa".utf8))
    }

    @Test func malformedBlocksAreRefused() {
        // Declared length differs from the page header's.
        #expect(throws: ParquetError.self) { try decode([4, 0x0C] + Array("abcd".utf8), expected: 5) }
        // Output ends short of the declared length.
        #expect(throws: ParquetError.self) { try decode([8, 0x0C] + Array("abcd".utf8), expected: 8) }
        // Literal longer than the declared length, or than the input.
        #expect(throws: ParquetError.self) { try decode([2, 0x0C] + Array("abcd".utf8), expected: 2) }
        #expect(throws: ParquetError.self) { try decode([4, 0x0C, 0x61], expected: 4) }
        // Copy from before the start of the output, with offset 0, past the end of the output.
        #expect(throws: ParquetError.self) { try decode([8, 0x00, 0x61, 0x01, 2], expected: 8) }
        #expect(throws: ParquetError.self) { try decode([8, 0x00, 0x61, 0x01, 0], expected: 8) }
        #expect(throws: ParquetError.self) { try decode([3, 0x00, 0x61, 0x01, 1], expected: 3) }
        // Copy offsets cut off.
        #expect(throws: ParquetError.self) { try decode([8, 0x00, 0x61, 0x02, 1], expected: 8) }
        #expect(throws: ParquetError.self) { try decode([8, 0x00, 0x61, 0x03, 1, 0], expected: 8) }
        // A length varint that never ends, or exceeds 32 bits.
        #expect(throws: ParquetError.self) { try decode([0x80, 0x80], expected: 0) }
        #expect(throws: ParquetError.self) { try decode([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], expected: 0) }
        // A literal length field cut off.
        #expect(throws: ParquetError.self) { try decode([4, 0xFC, 1], expected: 4) }
    }

    @Test func randomBlocksNeverCrash() {
        var random = ArrowTestSupport.SplitMix(state: 42)
        for _ in 0..<3_000 {
            let count = Int.random(in: 1..<40, using: &random)
            let block = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            let expected = Int(block[0] & 0x7F)
            do {
                let output = try decode(block, expected: expected)
                #expect(output.count == expected)
            } catch is ParquetError {
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }
}
