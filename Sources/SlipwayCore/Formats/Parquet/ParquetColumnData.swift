import Foundation

/// The decoded values of one column: one slot per row, with which rows are null.
public struct ParquetColumnData: Sendable, Hashable {
    public let column: ParquetColumn
    public let values: ParquetValues
    /// `validity[row]` is false for a null row; nil when no row is null.
    public let validity: [Bool]?

    init(column: ParquetColumn, values: ParquetValues, validity: [Bool]?) {
        self.column = column
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    public func isNull(_ row: Int) -> Bool {
        validity.map { !$0[row] } ?? false
    }

    /// Row `row` as a feature value, by the column's logical type:
    /// - null → `.null`; BOOLEAN → `.bool`;
    /// - integers (signed or unsigned) and floats → `.number` (integers beyond ±2^53 lose
    ///   precision in `Double`; NaN and infinities are kept);
    /// - DECIMAL → `.number`, the unscaled integer divided by 10^scale (a `Double`, so beyond 15
    ///   to 17 significant digits it is rounded);
    /// - STRING, ENUM, JSON → `.string` (invalid UTF-8 repaired with U+FFFD); UUID → its
    ///   lowercase hyphenated text; other byte strings → base64 `.string`;
    /// - DATE → `"YYYY-MM-DD"`; TIME → `"HH:MM:SS.fff"` (the unit's fraction digits);
    /// - TIMESTAMP and INT96 → ISO 8601 text with the unit's fraction digits, suffixed `Z` when
    ///   adjusted to UTC (the same text ``ArrowTable/records()`` gives), since a feature value
    ///   has no date case and the text keeps nanoseconds exactly;
    /// - FLOAT16 → `.number`.
    public func featureValue(at row: Int) -> FeatureValue {
        if let validity, !validity[row] { return .null }
        let logical = column.logicalType
        switch values {
        case .boolean(let values):
            return .bool(values[row])
        case .int32(let values):
            let value = values[row]
            switch logical {
            case .date: return .string(ParquetTemporalText.date(days: Int64(value)))
            case .time(let unit, _): return .string(ParquetTemporalText.timeOfDay(Int64(value), unit: unit))
            case .decimal(_, let scale): return .number(Double(value) / Self.powerOfTen(scale))
            case .integer(_, signed: false): return .number(Double(UInt32(bitPattern: value)))
            default: return .number(Double(value))
            }
        case .int64(let values):
            let value = values[row]
            switch logical {
            case .timestamp(let unit, let utc):
                return .string(ParquetTemporalText.timestamp(value, unit: unit, utc: utc))
            case .time(let unit, _): return .string(ParquetTemporalText.timeOfDay(value, unit: unit))
            case .decimal(_, let scale): return .number(Double(value) / Self.powerOfTen(scale))
            case .integer(_, signed: false): return .number(Double(UInt64(bitPattern: value)))
            default: return .number(Double(value))
            }
        case .float(let values):
            return .number(Double(values[row]))
        case .double(let values):
            return .number(values[row])
        case .bytes(let values):
            switch logical {
            case .string, .enumeration, .json: return .string(values.string(at: row))
            case .decimal(_, let scale): return .number(Self.bigEndianInteger(values[row]) / Self.powerOfTen(scale))
            case .uuid: return .string(Self.uuidText(values[row]))
            case .float16:
                let bytes = values[row]
                let bits = UInt16(bytes[bytes.startIndex]) | UInt16(bytes[bytes.startIndex + 1]) << 8
                return .number(Double(ArrowHalfFloat.float(fromBits: bits)))
            default: return .string(Data(values[row]).base64EncodedString())
            }
        }
    }

    /// Every row as a feature value (see ``featureValue(at:)``).
    public func featureValues() -> [FeatureValue] {
        (0..<count).map(featureValue(at:))
    }

    // MARK: Conversions

    private static func powerOfTen(_ exponent: Int) -> Double {
        pow(10, Double(exponent))
    }

    /// A big-endian two's complement integer (a DECIMAL's unscaled value), as a Double: exactly
    /// converted through Int128 up to 16 bytes, accumulated in floating point beyond.
    private static func bigEndianInteger(_ bytes: ArraySlice<UInt8>) -> Double {
        guard let first = bytes.first else { return 0 }
        if bytes.count <= 16 {
            var value: Int128 = first >= 0x80 ? -1 : 0
            for byte in bytes { value = value << 8 | Int128(byte) }
            return Double(value)
        }
        var value = 0.0
        for byte in bytes { value = value * 256 + Double(byte) }
        return first >= 0x80 ? value - pow(2, Double(8 * bytes.count)) : value
    }

    private static func uuidText(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
