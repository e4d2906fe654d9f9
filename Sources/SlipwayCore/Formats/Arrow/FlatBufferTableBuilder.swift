import Foundation

/// One table to be written by ``FlatBufferBuilder``: a list of (slot, value) fields. A union is
/// written as a `u8` type in one slot and a table in the next.
struct FlatBufferTableBuilder: Sendable {
    /// A value stored out of line and referred to by an unsigned offset.
    indirect enum Reference: Sendable {
        case table(FlatBufferTableBuilder)
        case string(String)
        case tables([FlatBufferTableBuilder])
        /// A vector of structs or scalars: `count` elements laid out in `bytes`, the first one
        /// aligned to `alignment`.
        case structs(bytes: [UInt8], count: Int, alignment: Int)
    }

    enum Field: Sendable {
        case scalar([UInt8])
        case reference(Reference)

        var size: Int {
            switch self {
            case .scalar(let bytes): bytes.count
            case .reference: 4
            }
        }
    }

    private(set) var fields: [(slot: Int, field: Field)] = []

    init() {}

    private mutating func scalar<T: FixedWidthInteger>(_ slot: Int, _ value: T) {
        var bytes: [UInt8] = []
        FlatBufferBuilder.append(&bytes, value)
        fields.append((slot, .scalar(bytes)))
    }

    mutating func bool(_ slot: Int, _ value: Bool) { scalar(slot, UInt8(value ? 1 : 0)) }
    mutating func u8(_ slot: Int, _ value: UInt8) { scalar(slot, value) }
    mutating func i16(_ slot: Int, _ value: Int16) { scalar(slot, value) }
    mutating func i32(_ slot: Int, _ value: Int32) { scalar(slot, value) }
    mutating func i64(_ slot: Int, _ value: Int64) { scalar(slot, value) }

    mutating func table(_ slot: Int, _ value: FlatBufferTableBuilder) { fields.append((slot, .reference(.table(value)))) }
    mutating func string(_ slot: Int, _ value: String) { fields.append((slot, .reference(.string(value)))) }
    mutating func tables(_ slot: Int, _ value: [FlatBufferTableBuilder]) { fields.append((slot, .reference(.tables(value)))) }

    mutating func structs(_ slot: Int, bytes: [UInt8], count: Int, alignment: Int) {
        fields.append((slot, .reference(.structs(bytes: bytes, count: count, alignment: alignment))))
    }
}
