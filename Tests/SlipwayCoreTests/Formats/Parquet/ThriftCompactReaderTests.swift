import Testing

@testable import SlipwayCore

@Suite("Thrift compact reader")
struct ThriftCompactReaderTests {
    private func reader(_ bytes: [UInt8]) -> ThriftCompactReader {
        ThriftCompactReader(bytes: bytes, position: 0, end: bytes.count)
    }

    @Test func fieldHeadersAndPrimitives() throws {
        // Field 1 i32 -3 (zigzag 5); field 3 (delta 2) binary "hi"; field 300 (long form) i64 1;
        // field 301 bool true; stop.
        var thrift = reader([0x15, 0x05, 0x28, 2, 0x68, 0x69, 0x06, 0xD8, 0x04, 0x02, 0x11, 0x00])
        var last: Int16 = 0
        let first = try #require(try thrift.readFieldHeader(lastID: &last))
        #expect(first.id == 1 && first.type == .i32)
        #expect(try thrift.readI32() == -3)
        let second = try #require(try thrift.readFieldHeader(lastID: &last))
        #expect(second.id == 3 && second.type == .binary)
        #expect(try thrift.readString() == "hi")
        let third = try #require(try thrift.readFieldHeader(lastID: &last))
        #expect(third.id == 300 && third.type == .i64)
        #expect(try thrift.readI64() == 1)
        let fourth = try #require(try thrift.readFieldHeader(lastID: &last))
        #expect(fourth.id == 301 && ThriftCompactReader.bool(fourth) == true)
        #expect(try thrift.readFieldHeader(lastID: &last) == nil)
    }

    @Test func skipsEveryWireType() throws {
        // A struct holding one field of each type, then a marker byte after its stop.
        let bytes: [UInt8] = [
            0x11,  // 1: bool true
            0x13, 0x7F,  // 2: byte
            0x14, 0x02,  // 3: i16
            0x15, 0x80, 0x01,  // 4: i32
            0x16, 0xFF, 0x01,  // 5: i64
            0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 6: double 1.0
            0x18, 3, 0x61, 0x62, 0x63,  // 7: binary
            0x19, 0x21, 1, 2,  // 8: list of 2 bools
            0x1A, 0x15, 4,  // 9: set of 1 i32
            0x1B, 2, 0x85, 0, 1, 0, 2,  // 10: map of 2 binary → i32 (types 0x85): "" → 1, "" → 2
            0x1C, 0x15, 4, 0,  // 11: struct { 1: i32 }
            0x1B, 0,  // 12: empty map
            0x00,  // stop
            0xAA,
        ]
        var thrift = reader(bytes)
        try thrift.skip(.structure, depth: 0)
        #expect(try thrift.readByte() == 0xAA)
    }

    @Test func refusesWhatCannotBeRead() {
        // Unknown wire type 13.
        var unknown = reader([0x1D, 0])
        var last: Int16 = 0
        #expect(throws: ParquetError.self) { try unknown.readFieldHeader(lastID: &last) }
        // A list claiming more elements than bytes remain.
        var list = reader([0xF5, 0xFF, 0xFF, 0x03])
        #expect(throws: ParquetError.self) { try list.skip(.list, depth: 0) }
        // An i32 out of range.
        var wide = reader([0x80, 0x80, 0x80, 0x80, 0x20])
        #expect(throws: ParquetError.self) { try wide.readI32() }
        // Invalid UTF-8.
        var text = reader([2, 0xC3, 0x28])
        #expect(throws: ParquetError.self) { try text.readString() }
        // A double cut off.
        var double = reader([0, 0, 0])
        #expect(throws: ParquetError.self) { try double.readDouble() }
        // Field id overflowing Int16 through deltas.
        var ids = reader([0x05, 0xF8, 0xFF, 0x03, 0x15])
        var id: Int16 = 0
        #expect(throws: ParquetError.self) {
            while let field = try ids.readFieldHeader(lastID: &id) { try ids.skip(field.type, depth: 0) }
        }
    }
}
