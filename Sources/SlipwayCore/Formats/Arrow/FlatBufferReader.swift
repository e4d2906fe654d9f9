import Foundation

/// A bounds-checked reader of one FlatBuffers buffer, with only what Arrow's `Schema.fbs`,
/// `Message.fbs` and `File.fbs` need: tables with vtables, scalars, structs, vectors, strings and
/// unions (a union is a `u8` type slot followed by a table slot).
///
/// The buffer is `bytes[start..<end]`; every offset in it is relative to `start`. Every read
/// checks its range first and throws ``ArrowError`` instead of trapping, so a hostile buffer can
/// only produce an error. FlatBuffers offsets to tables, vectors and strings are unsigned and
/// point forward, so following them always terminates.
struct FlatBufferReader: Sendable {
    let bytes: [UInt8]
    let start: Int
    let end: Int

    /// - Throws: if the range is not inside `bytes` or too short to hold a root offset.
    init(bytes: [UInt8], start: Int, end: Int) throws {
        guard start >= 0, end <= bytes.count, start <= end else {
            throw ArrowError.truncated("a metadata flatbuffer")
        }
        guard end - start >= 8 else { throw ArrowError.corrupt("a metadata flatbuffer is shorter than 8 bytes") }
        self.bytes = bytes
        self.start = start
        self.end = end
    }

    /// The root table.
    func root() throws -> FlatBufferTable {
        try table(at: try uoffsetTarget(at: start))
    }

    // MARK: Scalars at absolute positions

    func check(_ position: Int, _ size: Int) throws {
        guard position >= start, size >= 0, position <= end - size else {
            throw ArrowError.corrupt("a metadata offset points outside its flatbuffer")
        }
    }

    func u8(_ position: Int) throws -> UInt8 {
        try check(position, 1)
        return bytes[position]
    }

    func u16(_ position: Int) throws -> UInt16 {
        try check(position, 2)
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    func u32(_ position: Int) throws -> UInt32 {
        try check(position, 4)
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
    }

    func u64(_ position: Int) throws -> UInt64 {
        try check(position, 8)
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
    }

    func i16(_ position: Int) throws -> Int16 { Int16(bitPattern: try u16(position)) }
    func i32(_ position: Int) throws -> Int32 { Int32(bitPattern: try u32(position)) }
    func i64(_ position: Int) throws -> Int64 { Int64(bitPattern: try u64(position)) }

    /// Follows the `uoffset_t` stored at `position` and returns the absolute target position.
    func uoffsetTarget(at position: Int) throws -> Int {
        let offset = Int(try u32(position))
        let target = position + offset
        guard offset > 0, target < end else {
            throw ArrowError.corrupt("a metadata offset points outside its flatbuffer")
        }
        return target
    }

    // MARK: Composite values

    /// The table starting at `position` (its first 4 bytes are the signed offset to its vtable).
    func table(at position: Int) throws -> FlatBufferTable {
        let vtableOffset = Int(try i32(position))
        let vtable = position - vtableOffset
        let vtableSize = Int(try u16(vtable))
        let tableSize = Int(try u16(vtable + 2))
        guard vtableSize >= 4, vtableSize % 2 == 0, tableSize >= 4 else {
            throw ArrowError.corrupt("a metadata table has an invalid vtable")
        }
        try check(vtable, vtableSize)
        try check(position, tableSize)
        return FlatBufferTable(reader: self, position: position, vtable: vtable,
                               slotCount: (vtableSize - 4) / 2, size: tableSize)
    }

    /// The vector whose length prefix is at `position`; elements are `elementSize` bytes each.
    func vector(at position: Int, elementSize: Int) throws -> FlatBufferVector {
        let count = Int(try u32(position))
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw ArrowError.corrupt("a metadata vector is too long") }
        try check(position + 4, bytesNeeded)
        return FlatBufferVector(reader: self, elements: position + 4, count: count, elementSize: elementSize)
    }

    /// The string whose length prefix is at `position` (must be valid UTF-8).
    func string(at position: Int) throws -> String {
        let count = Int(try u32(position))
        try check(position + 4, count)
        guard let text = String(validating: bytes[(position + 4)..<(position + 4 + count)], as: UTF8.self) else {
            throw ArrowError.corrupt("a metadata string is not valid UTF-8")
        }
        return text
    }
}
