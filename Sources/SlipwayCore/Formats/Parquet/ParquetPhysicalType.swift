/// How a Parquet column's values are stored (Parquet's `Type`; raw values are its enum numbers).
public enum ParquetPhysicalType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    /// 12-byte legacy timestamps (nanoseconds of the day, then a Julian day number).
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7

    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }

    /// Reads a `Type` enum number from the footer.
    init(reading reader: inout ThriftCompactReader) throws {
        let raw = try reader.readI32()
        guard let type = ParquetPhysicalType(rawValue: raw) else {
            throw ParquetError.corrupt("a column has an unknown physical type \(raw)")
        }
        self = type
    }

    /// Bytes per PLAIN-encoded value, for the fixed-width types (FIXED_LEN_BYTE_ARRAY has its
    /// column's `type_length`; BOOLEAN takes a bit and BYTE_ARRAY varies).
    var fixedWidth: Int? {
        switch self {
        case .int32, .float: 4
        case .int64, .double: 8
        case .int96: 12
        case .boolean, .byteArray, .fixedLenByteArray: nil
        }
    }
}
