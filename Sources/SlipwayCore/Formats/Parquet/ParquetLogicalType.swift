/// What a Parquet column's values mean, from its `LogicalType` annotation or, in files written
/// without one (Parquet 1.0 writers), its legacy `ConvertedType`.
public enum ParquetLogicalType: Sendable, Hashable {
    /// No annotation: the physical type is the meaning (BYTE_ARRAY is then raw bytes).
    case none
    case string
    case enumeration
    case json
    case bson
    case uuid
    /// Days since 1970-01-01 (INT32).
    case date
    /// IEEE half-precision floats (FIXED_LEN_BYTE_ARRAY of 2).
    case float16
    /// A column whose values are all null (Parquet's `UNKNOWN`, pyarrow's `null` type).
    case null
    case integer(bitWidth: Int, signed: Bool)
    /// An unscaled integer (INT32, INT64 or big-endian two's complement bytes) times 10^-scale.
    case decimal(precision: Int, scale: Int)
    /// Time of day in `unit` since midnight.
    case time(ParquetTimeUnit, adjustedToUTC: Bool)
    /// Instants in `unit` since the Unix epoch; `adjustedToUTC` false means a local (naive) time.
    case timestamp(ParquetTimeUnit, adjustedToUTC: Bool)
}

extension ParquetLogicalType {
    /// Reads a `LogicalType` union; unknown members (VARIANT, GEOMETRY…) read as `.none`.
    static func decode(_ reader: inout ThriftCompactReader, depth: Int) throws -> ParquetLogicalType {
        guard depth < ThriftCompactReader.maxDepth else { throw ParquetError.corrupt("the metadata is nested too deeply") }
        var result = ParquetLogicalType.none
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            guard field.type == .structure else {
                try reader.skip(field.type, depth: depth + 1)
                continue
            }
            switch field.id {
            case 1: result = .string
            case 4: result = .enumeration
            case 5:
                let (scale, precision) = try decodeDecimal(&reader, depth: depth + 1)
                result = .decimal(precision: precision, scale: scale)
                continue
            case 6: result = .date
            case 7, 8:
                let (utc, unit) = try decodeTemporal(&reader, depth: depth + 1)
                result = field.id == 7 ? .time(unit, adjustedToUTC: utc) : .timestamp(unit, adjustedToUTC: utc)
                continue
            case 10:
                let (bitWidth, signed) = try decodeInteger(&reader, depth: depth + 1)
                result = .integer(bitWidth: bitWidth, signed: signed)
                continue
            case 11: result = .null
            case 12: result = .json
            case 13: result = .bson
            case 14: result = .uuid
            case 15: result = .float16
            default: result = .none
            }
            try reader.skip(.structure, depth: depth + 1)
        }
        return result
    }

    /// A `DecimalType`: 1 scale, 2 precision.
    private static func decodeDecimal(_ reader: inout ThriftCompactReader, depth: Int) throws -> (Int, Int) {
        var scale: Int32?
        var precision: Int32?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .i32): scale = try reader.readI32()
            case (2, .i32): precision = try reader.readI32()
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard let scale, let precision else { throw ParquetError.corrupt("a DECIMAL annotation has no scale or precision") }
        return (Int(scale), Int(precision))
    }

    /// A `TimeType` or `TimestampType`: 1 isAdjustedToUTC, 2 unit (a union: 1 MILLIS, 2 MICROS,
    /// 3 NANOS).
    private static func decodeTemporal(_ reader: inout ThriftCompactReader, depth: Int) throws -> (Bool, ParquetTimeUnit) {
        var utc = false
        var unit: ParquetTimeUnit?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .boolTrue), (1, .boolFalse): utc = field.type == .boolTrue
            case (2, .structure):
                var unitID: Int16 = 0
                while let member = try reader.readFieldHeader(lastID: &unitID) {
                    switch (member.id, member.type) {
                    case (1, .structure): unit = .milliseconds
                    case (2, .structure): unit = .microseconds
                    case (3, .structure): unit = .nanoseconds
                    default: break
                    }
                    try reader.skip(member.type, depth: depth + 2)
                }
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard let unit else { throw ParquetError.corrupt("a TIME or TIMESTAMP annotation has no known unit") }
        return (utc, unit)
    }

    /// An `IntType`: 1 bitWidth (i8), 2 isSigned.
    private static func decodeInteger(_ reader: inout ThriftCompactReader, depth: Int) throws -> (Int, Bool) {
        var bitWidth: Int?
        var signed: Bool?
        var lastID: Int16 = 0
        while let field = try reader.readFieldHeader(lastID: &lastID) {
            switch (field.id, field.type) {
            case (1, .byte): bitWidth = Int(Int8(bitPattern: try reader.readByte()))
            case (2, .boolTrue), (2, .boolFalse): signed = field.type == .boolTrue
            default: try reader.skip(field.type, depth: depth + 1)
            }
        }
        guard let bitWidth, let signed else { throw ParquetError.corrupt("an INTEGER annotation has no bit width or sign") }
        return (bitWidth, signed)
    }

    /// The meaning of a legacy `ConvertedType` number, with the decimal's scale and precision
    /// from the schema element.
    static func converted(_ value: Int32, scale: Int32?, precision: Int32?) -> ParquetLogicalType {
        switch value {
        case 0: .string
        case 4: .enumeration
        case 5: .decimal(precision: Int(precision ?? 0), scale: Int(scale ?? 0))
        case 6: .date
        case 7: .time(.milliseconds, adjustedToUTC: true)
        case 8: .time(.microseconds, adjustedToUTC: true)
        case 9: .timestamp(.milliseconds, adjustedToUTC: true)
        case 10: .timestamp(.microseconds, adjustedToUTC: true)
        case 11: .integer(bitWidth: 8, signed: false)
        case 12: .integer(bitWidth: 16, signed: false)
        case 13: .integer(bitWidth: 32, signed: false)
        case 14: .integer(bitWidth: 64, signed: false)
        case 15: .integer(bitWidth: 8, signed: true)
        case 16: .integer(bitWidth: 16, signed: true)
        case 17: .integer(bitWidth: 32, signed: true)
        case 18: .integer(bitWidth: 64, signed: true)
        case 19: .json
        case 20: .bson
        default: .none
        }
    }

    /// Whether values of `physical` can carry this meaning (a mismatch is a corrupt schema).
    func fits(_ physical: ParquetPhysicalType, typeLength: Int) -> Bool {
        switch self {
        case .none, .null: true
        case .string, .enumeration, .json, .bson: physical == .byteArray
        case .uuid: physical == .fixedLenByteArray && typeLength == 16
        case .float16: physical == .fixedLenByteArray && typeLength == 2
        case .date: physical == .int32
        case .integer(let bitWidth, _):
            bitWidth == 64 ? physical == .int64 : (physical == .int32 && [8, 16, 32].contains(bitWidth))
        case .decimal(let precision, let scale):
            precision > 0 && scale >= 0 && scale <= precision
                && [.int32, .int64, .fixedLenByteArray, .byteArray].contains(physical)
        case .time(let unit, _): unit == .milliseconds ? physical == .int32 : physical == .int64
        case .timestamp: physical == .int64
        }
    }

    /// The annotation's name, for error messages.
    var name: String {
        switch self {
        case .none: "none"
        case .string: "STRING"
        case .enumeration: "ENUM"
        case .json: "JSON"
        case .bson: "BSON"
        case .uuid: "UUID"
        case .date: "DATE"
        case .float16: "FLOAT16"
        case .null: "UNKNOWN"
        case .integer: "INTEGER"
        case .decimal: "DECIMAL"
        case .time: "TIME"
        case .timestamp: "TIMESTAMP"
        }
    }
}
