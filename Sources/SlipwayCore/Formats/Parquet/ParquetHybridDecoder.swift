/// A decoder of Parquet's RLE / bit-packed hybrid encoding, used for definition levels,
/// dictionary indices and RLE booleans.
///
/// The data is a sequence of runs, each introduced by a varint header: an even header `h` is a
/// repeated run of `h >> 1` copies of one value stored in `ceil(bitWidth / 8)` little-endian
/// bytes; an odd header is `h >> 1` groups of 8 values bit-packed LSB first, `bitWidth` bytes per
/// group. Runs are clipped to the values asked for, and a run that would pass the end of the
/// data is an error.
struct ParquetHybridDecoder {
    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int
    let bitWidth: Int

    /// - Throws: if `bitWidth` is over 32 or the range is outside `bytes`.
    init(bytes: [UInt8], range: Range<Int>, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw ParquetError.corrupt("an RLE run has a bit width of \(bitWidth)") }
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw ParquetError.truncated("RLE data") }
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.bitWidth = bitWidth
    }

    /// Appends exactly `count` values to `output`.
    mutating func decode(_ count: Int, into output: inout [UInt32]) throws {
        output.reserveCapacity(output.count + count)
        var left = count
        if bitWidth == 0 {
            // Zero-width values are all 0 and take no bytes (a dictionary of one entry).
            output.append(contentsOf: repeatElement(0, count: count))
            return
        }
        while left > 0 {
            let header = try readVarint()
            if header & 1 == 0 {
                let run = header >> 1
                guard run > 0 else { throw ParquetError.corrupt("an RLE run is empty") }
                let width = (bitWidth + 7) / 8
                guard end - position >= width else { throw ParquetError.truncated("an RLE run") }
                var value: UInt32 = 0
                for index in 0..<width { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
                position += width
                guard bitWidth == 32 || value >> UInt32(bitWidth) == 0 else {
                    throw ParquetError.corrupt("an RLE run's value is wider than its bit width")
                }
                let taken = Int(min(run, UInt64(left)))
                output.append(contentsOf: repeatElement(value, count: taken))
                left -= taken
            } else {
                let groups = header >> 1
                guard groups > 0, groups <= UInt64(end - position) else {
                    throw ParquetError.truncated("a bit-packed run")
                }
                // Every group of 8 values takes exactly `bitWidth` bytes; a last group may be
                // cut short by the end of the page (writers pad it, but some do not).
                let available = min(Int(groups) * bitWidth, end - position)
                let values = min(Int(groups) * 8, available * 8 / bitWidth)
                guard values > 0 else { throw ParquetError.truncated("a bit-packed run") }
                let taken = min(values, left)
                unpack(taken, from: position, into: &output)
                position += min(Int(groups) * bitWidth, end - position)
                left -= taken
            }
        }
    }

    /// Unpacks `count` values of `bitWidth` bits, LSB first, starting at byte `start`; the
    /// caller has checked that `count * bitWidth` bits are present.
    private func unpack(_ count: Int, from start: Int, into output: inout [UInt32]) {
        let mask: UInt64 = bitWidth == 32 ? 0xFFFF_FFFF : (1 << UInt64(bitWidth)) - 1
        var buffer: UInt64 = 0
        var bitsInBuffer = 0
        var byteIndex = start
        bytes.withUnsafeBufferPointer { source in
            for _ in 0..<count {
                while bitsInBuffer < bitWidth {
                    buffer |= UInt64(source[byteIndex]) << UInt64(bitsInBuffer)
                    byteIndex += 1
                    bitsInBuffer += 8
                }
                output.append(UInt32(truncatingIfNeeded: buffer & mask))
                buffer >>= UInt64(bitWidth)
                bitsInBuffer -= bitWidth
            }
        }
    }

    private mutating func readVarint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ParquetError.truncated("RLE data") }
            let byte = bytes[position]
            position += 1
            guard shift < 63 else { throw ParquetError.corrupt("an RLE run header is too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    /// The number of bits needed for values up to `maxValue`.
    static func bitWidth(forMax maxValue: Int) -> Int {
        maxValue <= 0 ? 0 : Int.bitWidth - maxValue.leadingZeroBitCount
    }
}
