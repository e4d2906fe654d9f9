import Foundation

/// A vector of a ``FlatBufferReader``, already checked to fit in the buffer.
struct FlatBufferVector: Sendable {
    let reader: FlatBufferReader
    let elements: Int
    let count: Int
    let elementSize: Int

    /// The absolute position of element `index`.
    func position(_ index: Int) -> Int { elements + index * elementSize }

    /// Element `index` of a vector of tables.
    func table(_ index: Int) throws -> FlatBufferTable {
        try reader.table(at: try reader.uoffsetTarget(at: position(index)))
    }

    func i64(_ index: Int) throws -> Int64 { try reader.i64(position(index)) }
}
