import Foundation

/// The logical type of an Arrow column. Nested types carry their child fields (Arrow keeps them
/// on the field; ``ArrowField/children`` exposes them that way too).
public indirect enum ArrowType: Sendable, Hashable {
    case null
    case bool
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    /// Half precision; values are held as `Double` (converted through `Float`).
    case float16
    case float32, float64
    case utf8, largeUTF8
    case binary, largeBinary
    /// A variable-size list with 32-bit offsets; the field describes the elements.
    case list(ArrowField)
    /// A variable-size list with 64-bit offsets.
    case largeList(ArrowField)
    /// A list of exactly `size` elements per row.
    case fixedSizeList(ArrowField, size: Int)
    case `struct`([ArrowField])
    /// Time since the Unix epoch in `unit`; `timezone` is an IANA name or offset such as "+01:00",
    /// nil for a naive (zone-less) timestamp.
    case timestamp(ArrowTimeUnit, timezone: String?)
    /// Days since the Unix epoch.
    case date32
    /// Milliseconds since the Unix epoch.
    case date64

    /// The child fields of a nested type (empty for the others).
    public var children: [ArrowField] {
        switch self {
        case .list(let element), .largeList(let element), .fixedSizeList(let element, _): [element]
        case .struct(let fields): fields
        default: []
        }
    }

    /// A short pyarrow-like spelling of the type, used in error messages.
    public var name: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .float16: "halffloat"
        case .float32: "float"
        case .float64: "double"
        case .utf8: "string"
        case .largeUTF8: "large_string"
        case .binary: "binary"
        case .largeBinary: "large_binary"
        case .list(let element): "list<\(element.type.name)>"
        case .largeList(let element): "large_list<\(element.type.name)>"
        case .fixedSizeList(let element, let size): "fixed_size_list<\(element.type.name)>[\(size)]"
        case .struct(let fields): "struct<" + fields.map { "\($0.name): \($0.type.name)" }.joined(separator: ", ") + ">"
        case .timestamp(let unit, let timezone):
            "timestamp[\(["s", "ms", "us", "ns"][Int(unit.rawValue)])\(timezone.map { ", tz=\($0)" } ?? "")]"
        case .date32: "date32"
        case .date64: "date64"
        }
    }
}
