import Foundation

/// One table of a ``FlatBufferReader``: fields are looked up by slot number through the vtable.
/// A slot beyond the vtable or with offset 0 is absent, and reads return the default.
struct FlatBufferTable: Sendable {
    let reader: FlatBufferReader
    let position: Int
    let vtable: Int
    let slotCount: Int
    let size: Int

    /// The absolute position of a present field of `fieldSize` bytes, or nil when absent.
    func fieldPosition(_ slot: Int, size fieldSize: Int) throws -> Int? {
        guard slot < slotCount else { return nil }
        let offset = Int(try reader.u16(vtable + 4 + 2 * slot))
        guard offset != 0 else { return nil }
        guard offset >= 4, offset + fieldSize <= size else {
            throw ArrowError.corrupt("a metadata table field lies outside its table")
        }
        return position + offset
    }

    func bool(_ slot: Int, default value: Bool = false) throws -> Bool {
        guard let at = try fieldPosition(slot, size: 1) else { return value }
        return try reader.u8(at) != 0
    }

    func u8(_ slot: Int, default value: UInt8 = 0) throws -> UInt8 {
        guard let at = try fieldPosition(slot, size: 1) else { return value }
        return try reader.u8(at)
    }

    func i16(_ slot: Int, default value: Int16 = 0) throws -> Int16 {
        guard let at = try fieldPosition(slot, size: 2) else { return value }
        return try reader.i16(at)
    }

    func i32(_ slot: Int, default value: Int32 = 0) throws -> Int32 {
        guard let at = try fieldPosition(slot, size: 4) else { return value }
        return try reader.i32(at)
    }

    func i64(_ slot: Int, default value: Int64 = 0) throws -> Int64 {
        guard let at = try fieldPosition(slot, size: 8) else { return value }
        return try reader.i64(at)
    }

    func table(_ slot: Int) throws -> FlatBufferTable? {
        guard let at = try fieldPosition(slot, size: 4) else { return nil }
        return try reader.table(at: try reader.uoffsetTarget(at: at))
    }

    func string(_ slot: Int) throws -> String? {
        guard let at = try fieldPosition(slot, size: 4) else { return nil }
        return try reader.string(at: try reader.uoffsetTarget(at: at))
    }

    /// A vector of `elementSize`-byte elements (4 for offsets to tables, the struct size for
    /// structs, the scalar size for scalars).
    func vector(_ slot: Int, elementSize: Int) throws -> FlatBufferVector? {
        guard let at = try fieldPosition(slot, size: 4) else { return nil }
        return try reader.vector(at: try reader.uoffsetTarget(at: at), elementSize: elementSize)
    }
}
