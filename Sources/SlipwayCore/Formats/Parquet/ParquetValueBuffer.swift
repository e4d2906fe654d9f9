/// Decoded values of one physical type, growing page by page: a column chunk's values, a page's
/// non-null values or a dictionary. Only the array of `type` is used.
///
/// Every decoder checks that its input holds the values it is asked for before reading them;
/// byte strings are also bounded by `maxBytes`, so that dictionary indices repeating a large
/// entry cannot allocate without bound.
struct ParquetValueBuffer {
    let type: ParquetPhysicalType
    let typeLength: Int
    let maxBytes: Int
    private(set) var booleans: [Bool] = []
    private(set) var int32s: [Int32] = []
    private(set) var int64s: [Int64] = []
    private(set) var floats: [Float] = []
    private(set) var doubles: [Double] = []
    private(set) var arrays = ParquetByteArrays()

    /// The number of values the buffer was sized for (the rows of the column being read).
    let capacityHint: Int

    init(type: ParquetPhysicalType, typeLength: Int, maxBytes: Int, capacity: Int = 0) {
        self.type = type
        self.typeLength = typeLength
        self.maxBytes = maxBytes
        self.capacityHint = capacity
        reserve(capacity)
    }

    var count: Int {
        switch type {
        case .boolean: booleans.count
        case .int32: int32s.count
        case .int64, .int96: int64s.count
        case .float: floats.count
        case .double: doubles.count
        case .byteArray, .fixedLenByteArray: arrays.count
        }
    }

    mutating func reserve(_ capacity: Int) {
        guard capacity > 0 else { return }
        switch type {
        case .boolean: booleans.reserveCapacity(capacity)
        case .int32: int32s.reserveCapacity(capacity)
        case .int64, .int96: int64s.reserveCapacity(capacity)
        case .float: floats.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .byteArray, .fixedLenByteArray: arrays.offsets.reserveCapacity(capacity + 1)
        }
    }

    /// The values, for ``ParquetColumnData``.
    func finish() -> ParquetValues {
        switch type {
        case .boolean: .boolean(booleans)
        case .int32: .int32(int32s)
        case .int64, .int96: .int64(int64s)
        case .float: .float(floats)
        case .double: .double(doubles)
        case .byteArray, .fixedLenByteArray: .bytes(arrays)
        }
    }

    // MARK: PLAIN

    /// Appends `count` PLAIN-encoded values from `source[position..<end]` and advances `position`.
    mutating func appendPlain(_ source: [UInt8], _ position: inout Int, end: Int, count: Int) throws {
        guard count > 0 else { return }
        let available = end - position
        if type == .boolean {
            // One bit per value, LSB first.
            guard (count + 7) / 8 <= available else { throw ParquetError.truncated("a page's BOOLEAN values") }
            booleans.reserveCapacity(booleans.count + count)
            for index in 0..<count {
                booleans.append((source[position + (index >> 3)] >> UInt8(index & 7)) & 1 == 1)
            }
            position += (count + 7) / 8
            return
        }
        if type == .byteArray {
            try appendPlainByteArrays(source, &position, end: end, count: count)
            return
        }
        let width = type == .fixedLenByteArray ? typeLength : (type.fixedWidth ?? 1)
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, needed <= available else { throw ParquetError.truncated("a page's \(type) values") }
        let start = position
        switch type {
        case .int32:
            appendLittleEndian(source, start, count, UInt32.self, into: &int32s) { Int32(bitPattern: $0) }
        case .int64:
            appendLittleEndian(source, start, count, UInt64.self, into: &int64s) { Int64(bitPattern: $0) }
        case .float:
            appendLittleEndian(source, start, count, UInt32.self, into: &floats) { Float(bitPattern: $0) }
        case .double:
            appendLittleEndian(source, start, count, UInt64.self, into: &doubles) { Double(bitPattern: $0) }
        case .int96:
            try appendInt96(source, start, count)
        case .fixedLenByteArray:
            try checkBytes(adding: needed)
            arrays.bytes.append(contentsOf: source[start..<(start + needed)])
            var offset = arrays.offsets[arrays.offsets.count - 1]
            arrays.offsets.reserveCapacity(arrays.offsets.count + count)
            for _ in 0..<count {
                offset += width
                arrays.offsets.append(offset)
            }
        case .boolean, .byteArray:
            break
        }
        position += needed
    }

    private func appendLittleEndian<Raw: FixedWidthInteger, Value>(
        _ source: [UInt8], _ start: Int, _ count: Int, _ raw: Raw.Type, into values: inout [Value],
        _ convert: (Raw) -> Value
    ) {
        values.reserveCapacity(values.count + count)
        let width = MemoryLayout<Raw>.size
        source.withUnsafeBytes { buffer in
            for index in 0..<count {
                values.append(convert(Raw(littleEndian: buffer.loadUnaligned(fromByteOffset: start + index * width, as: Raw.self))))
            }
        }
    }

    /// INT96: 8 bytes of nanoseconds within the day, then a 4-byte Julian day number; stored as
    /// nanoseconds since the Unix epoch (Julian day 2,440,588).
    private mutating func appendInt96(_ source: [UInt8], _ start: Int, _ count: Int) throws {
        int64s.reserveCapacity(int64s.count + count)
        try source.withUnsafeBytes { buffer in
            for index in 0..<count {
                let at = start + index * 12
                let nanoseconds = Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: Int64.self))
                let julianDay = Int64(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: at + 8, as: Int32.self)))
                let (dayNanoseconds, overflow1) = (julianDay - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000_000)
                let (value, overflow2) = dayNanoseconds.addingReportingOverflow(nanoseconds)
                guard !overflow1, !overflow2 else { throw ParquetError.corrupt("an INT96 timestamp is out of range") }
                int64s.append(value)
            }
        }
    }

    /// BYTE_ARRAY: each value is a 4-byte little-endian length, then that many bytes.
    private mutating func appendPlainByteArrays(_ source: [UInt8], _ position: inout Int, end: Int, count: Int) throws {
        // Every value takes at least its 4-byte length.
        guard count <= (end - position) / 4 else { throw ParquetError.truncated("a page's BYTE_ARRAY values") }
        arrays.offsets.reserveCapacity(arrays.offsets.count + count)
        var cursor = position
        let startBytes = arrays.bytes.count
        try source.withUnsafeBytes { buffer in
            for _ in 0..<count {
                guard end - cursor >= 4 else { throw ParquetError.truncated("a page's BYTE_ARRAY values") }
                let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: cursor, as: UInt32.self)))
                cursor += 4
                guard length <= end - cursor else { throw ParquetError.truncated("a BYTE_ARRAY value") }
                cursor += length
            }
        }
        // The lengths fit: copy the bytes and record the offsets in a second pass.
        let total = cursor - position - 4 * count
        try checkBytes(adding: total)
        arrays.bytes.reserveCapacity(startBytes + total)
        var offset = startBytes
        source.withUnsafeBytes { buffer in
            var at = position
            for _ in 0..<count {
                let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                at += 4
                arrays.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[at..<(at + length)]))
                at += length
                offset += length
                arrays.offsets.append(offset)
            }
        }
        position = cursor
    }

    private func checkBytes(adding count: Int) throws {
        guard count <= maxBytes - arrays.bytes.count else {
            throw ParquetError.limit("a column's values take more than \(maxBytes) bytes")
        }
    }

    // MARK: BYTE_STREAM_SPLIT

    /// BYTE_STREAM_SPLIT: the k-th bytes of all `count` values, then the (k+1)-th bytes, and so
    /// on; reassembled into PLAIN order and decoded as PLAIN.
    mutating func appendByteStreamSplit(_ source: [UInt8], _ position: inout Int, end: Int, count: Int) throws {
        guard count > 0 else { return }
        let width: Int
        switch type {
        case .int32, .int64, .float, .double: width = type.fixedWidth ?? 1
        case .fixedLenByteArray: width = typeLength
        case .boolean, .int96, .byteArray:
            throw ParquetError.unsupported("the BYTE_STREAM_SPLIT encoding on \(type) values")
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow, needed <= end - position else { throw ParquetError.truncated("a page's BYTE_STREAM_SPLIT values") }
        var plain = [UInt8](repeating: 0, count: needed)
        for stream in 0..<width {
            let base = position + stream * count
            for index in 0..<count { plain[index * width + stream] = source[base + index] }
        }
        var plainPosition = 0
        try appendPlain(plain, &plainPosition, end: needed, count: count)
        position += needed
    }

    // MARK: Dictionary indices, nulls

    /// Appends `dictionary[index]` for each index, each checked against the dictionary's size.
    mutating func appendGathered(_ dictionary: ParquetValueBuffer, indices: [UInt32]) throws {
        let size = dictionary.count
        for index in indices where Int(index) >= size {
            throw ParquetError.corrupt("a dictionary index \(index) is past the dictionary's \(size) entries")
        }
        switch type {
        case .boolean: booleans.append(contentsOf: indices.lazy.map { dictionary.booleans[Int($0)] })
        case .int32: int32s.append(contentsOf: indices.lazy.map { dictionary.int32s[Int($0)] })
        case .int64, .int96: int64s.append(contentsOf: indices.lazy.map { dictionary.int64s[Int($0)] })
        case .float: floats.append(contentsOf: indices.lazy.map { dictionary.floats[Int($0)] })
        case .double: doubles.append(contentsOf: indices.lazy.map { dictionary.doubles[Int($0)] })
        case .byteArray, .fixedLenByteArray:
            let source = dictionary.arrays
            var total = 0
            for index in indices {
                total += source.offsets[Int(index) + 1] - source.offsets[Int(index)]
                if total > maxBytes { break }
            }
            try checkBytes(adding: total)
            arrays.bytes.reserveCapacity(arrays.bytes.count + total)
            arrays.offsets.reserveCapacity(arrays.offsets.count + indices.count)
            for index in indices {
                arrays.bytes.append(contentsOf: source[Int(index)])
                arrays.offsets.append(arrays.bytes.count)
            }
        }
    }

    /// Appends RLE-decoded booleans (bits of value 0 or 1).
    mutating func appendBooleans(_ bits: [UInt32]) {
        booleans.append(contentsOf: bits.lazy.map { $0 != 0 })
    }

    /// Appends the values of `page` (a page's non-null values) with an empty slot for each null:
    /// `levels[i] == maxLevel` takes the next value, any other level is a null.
    mutating func appendSpaced(_ page: ParquetValueBuffer, levels: [UInt32], maxLevel: UInt32) throws {
        guard levels.count(where: { $0 == maxLevel }) == page.count else {
            throw ParquetError.corrupt("a page's values do not match its definition levels")
        }
        var next = 0
        switch type {
        case .boolean: spread(page.booleans, levels, maxLevel, into: &booleans, empty: false)
        case .int32: spread(page.int32s, levels, maxLevel, into: &int32s, empty: 0)
        case .int64, .int96: spread(page.int64s, levels, maxLevel, into: &int64s, empty: 0)
        case .float: spread(page.floats, levels, maxLevel, into: &floats, empty: 0)
        case .double: spread(page.doubles, levels, maxLevel, into: &doubles, empty: 0)
        case .byteArray, .fixedLenByteArray:
            arrays.bytes.append(contentsOf: page.arrays.bytes)
            let base = arrays.offsets[arrays.offsets.count - 1]
            arrays.offsets.reserveCapacity(arrays.offsets.count + levels.count)
            for level in levels {
                if level == maxLevel { next += 1 }
                arrays.offsets.append(base + page.arrays.offsets[next])
            }
        }
    }

    private func spread<Value>(_ values: [Value], _ levels: [UInt32], _ maxLevel: UInt32, into out: inout [Value], empty: Value) {
        out.reserveCapacity(out.count + levels.count)
        var next = 0
        for level in levels {
            if level == maxLevel {
                out.append(values[next])
                next += 1
            } else {
                out.append(empty)
            }
        }
    }
}
