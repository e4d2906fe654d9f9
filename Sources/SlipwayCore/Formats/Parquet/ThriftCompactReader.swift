import Foundation

/// A bounds-checked reader of the Thrift compact protocol, the encoding of Parquet's footer
/// (`FileMetaData`) and page headers.
///
/// The reader walks `bytes[position..<end]`. Every read checks the remaining length first and
/// throws ``ParquetError`` instead of trapping; list, set, map and binary sizes are checked
/// against the bytes left (every element takes at least one byte) before anything is allocated
/// or looped over, and skipping unknown values is recursive only up to ``maxDepth`` levels.
struct ThriftCompactReader {
    /// Wire types of the compact protocol (the low nibble of a field header or list header).
    enum WireType: UInt8 {
        case boolTrue = 1
        case boolFalse = 2
        case byte = 3
        case i16 = 4
        case i32 = 5
        case i64 = 6
        case double = 7
        case binary = 8
        case list = 9
        case set = 10
        case map = 11
        case structure = 12
    }

    /// One field header: its id and wire type. A boolean field carries its value in the type.
    struct Field {
        let id: Int16
        let type: WireType
    }

    /// How deeply nested structs, lists and maps may be (Parquet's own structures nest about 6
    /// deep; anything deeper is hostile).
    static let maxDepth = 32

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(bytes: [UInt8], position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = min(end, bytes.count)
    }

    var remaining: Int { max(0, end - position) }

    // MARK: Primitives

    mutating func readByte() throws -> UInt8 {
        guard position < end else { throw ParquetError.truncated("the file metadata or a page header") }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most 10 bytes (64 bits).
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64, !(shift == 63 && byte > 1) else {
                throw ParquetError.corrupt("a metadata integer is too long")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readI64() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readI32() throws -> Int32 {
        let value = try readI64()
        guard let narrow = Int32(exactly: value) else { throw ParquetError.corrupt("a metadata i32 is out of range") }
        return narrow
    }

    mutating func readI16() throws -> Int16 {
        let value = try readI64()
        guard let narrow = Int16(exactly: value) else { throw ParquetError.corrupt("a metadata i16 is out of range") }
        return narrow
    }

    mutating func readDouble() throws -> Double {
        guard remaining >= 8 else { throw ParquetError.truncated("the file metadata or a page header") }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// The range of a length-prefixed binary value, which the reader steps over.
    mutating func readBinaryRange() throws -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw ParquetError.truncated("a metadata string") }
        let start = position
        position += Int(length)
        return start..<position
    }

    mutating func readBinary() throws -> [UInt8] {
        Array(bytes[try readBinaryRange()])
    }

    /// A binary value that must be UTF-8 text.
    mutating func readString() throws -> String {
        let range = try readBinaryRange()
        guard let text = String(validating: bytes[range], as: UTF8.self) else {
            throw ParquetError.corrupt("a metadata string is not valid UTF-8")
        }
        return text
    }

    // MARK: Structs

    /// The next field header of the struct being read, or nil at its stop byte. `lastID` is the
    /// previous field's id in this struct (field ids are delta-encoded), starting at 0.
    mutating func readFieldHeader(lastID: inout Int16) throws -> Field? {
        let header = try readByte()
        if header == 0 { return nil }
        guard let type = WireType(rawValue: header & 0x0F) else {
            throw ParquetError.corrupt("a metadata field has an unknown type \(header & 0x0F)")
        }
        let delta = Int16(header >> 4)
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            let (sum, overflow) = lastID.addingReportingOverflow(delta)
            guard !overflow else { throw ParquetError.corrupt("a metadata field id is out of range") }
            id = sum
        }
        lastID = id
        return Field(id: id, type: type)
    }

    /// The element type and count of a list or set.
    mutating func readListHeader() throws -> (type: WireType, count: Int) {
        let header = try readByte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard let type = WireType(rawValue: header & 0x0F) else {
            throw ParquetError.corrupt("a metadata list has an unknown element type \(header & 0x0F)")
        }
        guard count <= UInt64(remaining) else { throw ParquetError.truncated("a metadata list") }
        return (type, Int(count))
    }

    /// Reads a list whose elements `element` decodes; elements of another wire type than
    /// `expected` are skipped, and the list then reads as empty.
    mutating func readList<Element>(of expected: WireType, depth: Int,
                                    _ element: (inout ThriftCompactReader) throws -> Element) throws -> [Element] {
        guard depth < Self.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        let (type, count) = try readListHeader()
        guard type == expected || (expected == .boolTrue && type == .boolFalse) else {
            for _ in 0..<count { try skip(type, depth: depth + 1) }
            return []
        }
        var out: [Element] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(try element(&self)) }
        return out
    }

    /// A boolean element of a list (one byte: 1 is true).
    mutating func readListBool() throws -> Bool {
        try readByte() == 1
    }

    /// The value of a boolean field, which its wire type holds.
    static func bool(_ field: Field) -> Bool? {
        switch field.type {
        case .boolTrue: true
        case .boolFalse: false
        default: nil
        }
    }

    // MARK: Skipping

    /// Steps over one value of wire type `type` (used for fields this reader does not know, or
    /// known fields with an unexpected type).
    mutating func skip(_ type: WireType, depth: Int) throws {
        guard depth < Self.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        switch type {
        case .boolTrue, .boolFalse:
            // In a struct the value is in the field header; in a list or map this is only reached
            // through skipElement, which reads the byte.
            break
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw ParquetError.truncated("the file metadata or a page header") }
            position += 8
        case .binary: _ = try readBinaryRange()
        case .list, .set:
            let (elementType, count) = try readListHeader()
            for _ in 0..<count { try skipElement(elementType, depth: depth + 1) }
        case .map:
            let count = try readVarint()
            guard count <= UInt64(remaining) else { throw ParquetError.truncated("a metadata map") }
            guard count > 0 else { return }
            let types = try readByte()
            guard let keyType = WireType(rawValue: types >> 4), let valueType = WireType(rawValue: types & 0x0F) else {
                throw ParquetError.corrupt("a metadata map has an unknown element type")
            }
            for _ in 0..<count {
                try skipElement(keyType, depth: depth + 1)
                try skipElement(valueType, depth: depth + 1)
            }
        case .structure:
            var lastID: Int16 = 0
            while let field = try readFieldHeader(lastID: &lastID) {
                try skip(field.type, depth: depth + 1)
            }
        }
    }

    /// Steps over one element of a list, set or map, where booleans take a byte each.
    private mutating func skipElement(_ type: WireType, depth: Int) throws {
        if type == .boolTrue || type == .boolFalse {
            _ = try readByte()
        } else {
            try skip(type, depth: depth)
        }
    }
}
