/// A decoder of raw Snappy blocks, the format of Parquet's SNAPPY pages.
///
/// Hand-written because SlipwayCore depends on Foundation only (no compression package) and the
/// raw block format is small: a varint of the uncompressed length, then literals and
/// back-references. Every length and offset is checked against the input, the output written
/// so far and the expected size, so hostile input only produces an error.
enum SnappyDecoder {
    /// Decompresses the block `input[range]`, which must expand to exactly `expectedSize` bytes.
    static func decompress(_ input: [UInt8], in range: Range<Int>, expectedSize: Int) throws -> [UInt8] {
        guard range.lowerBound >= 0, range.upperBound <= input.count else {
            throw ParquetError.truncated("a compressed page")
        }
        var position = range.lowerBound
        let end = range.upperBound
        let length = try readLength(input, &position, end: end)
        guard length == expectedSize else {
            throw ParquetError.corrupt("a SNAPPY page expands to \(length) bytes, but its header says \(expectedSize)")
        }
        var output = [UInt8](repeating: 0, count: length)
        var written = 0
        try input.withUnsafeBufferPointer { source in
            try output.withUnsafeMutableBufferPointer { target in
                while position < end {
                    let tag = source[position]
                    position += 1
                    switch tag & 3 {
                    case 0:
                        // Literal: length - 1 in the tag's upper 6 bits, or in 1-4 following bytes.
                        var literal = Int(tag >> 2)
                        if literal >= 60 {
                            let extra = literal - 59
                            guard end - position >= extra else { throw corrupt("a literal's length is cut off") }
                            literal = 0
                            for index in 0..<extra { literal |= Int(source[position + index]) << (8 * index) }
                            position += extra
                        }
                        literal += 1
                        guard end - position >= literal, length - written >= literal else {
                            throw corrupt("a literal runs past the end of its input or output")
                        }
                        target.baseAddress!.advanced(by: written)
                            .update(from: source.baseAddress!.advanced(by: position), count: literal)
                        position += literal
                        written += literal
                    case 1:
                        // Copy with a 1-byte offset: length 4-11, offset's top 3 bits in the tag.
                        guard position < end else { throw corrupt("a copy's offset is cut off") }
                        let count = 4 + Int((tag >> 2) & 7)
                        let offset = Int(tag >> 5) << 8 | Int(source[position])
                        position += 1
                        try copy(target, &written, offset: offset, count: count)
                    case 2:
                        guard end - position >= 2 else { throw corrupt("a copy's offset is cut off") }
                        let offset = Int(source[position]) | Int(source[position + 1]) << 8
                        position += 2
                        try copy(target, &written, offset: offset, count: 1 + Int(tag >> 2))
                    default:
                        guard end - position >= 4 else { throw corrupt("a copy's offset is cut off") }
                        var offset = 0
                        for index in 0..<4 { offset |= Int(source[position + index]) << (8 * index) }
                        position += 4
                        try copy(target, &written, offset: offset, count: 1 + Int(tag >> 2))
                    }
                }
            }
        }
        guard written == length else { throw corrupt("a block ends after \(written) of its \(length) bytes") }
        return output
    }

    /// Copies `count` bytes from `offset` bytes back in the output; the ranges may overlap (an
    /// offset shorter than the count repeats the last `offset` bytes), so overlapping copies go
    /// byte by byte.
    private static func copy(_ target: UnsafeMutableBufferPointer<UInt8>, _ written: inout Int, offset: Int, count: Int) throws {
        guard offset > 0, offset <= written else { throw corrupt("a copy refers to bytes before the start of the output") }
        guard target.count - written >= count else { throw corrupt("a copy runs past the end of the output") }
        let base = target.baseAddress!
        if offset >= count {
            base.advanced(by: written).update(from: base.advanced(by: written - offset), count: count)
        } else {
            for index in written..<(written + count) { base[index] = base[index - offset] }
        }
        written += count
    }

    /// The uncompressed length: a little-endian base-128 varint of at most 5 bytes (32 bits).
    private static func readLength(_ input: [UInt8], _ position: inout Int, end: Int) throws -> Int {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 35, by: 7) {
            guard position < end, position < input.count else { throw corrupt("the block's length is cut off") }
            let byte = input[position]
            position += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { throw corrupt("the block's length is too large") }
                return Int(value)
            }
        }
        throw corrupt("the block's length is too long")
    }

    private static func corrupt(_ detail: String) -> ParquetError {
        ParquetError.corrupt("a SNAPPY page is invalid: \(detail)")
    }
}
