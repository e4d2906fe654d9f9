import Foundation

extension ArrowTable {
    /// The rows as pandas-style records (`df.to_dict("records")` / `orient="records"` JSON), one
    /// object per row with one key per column.
    ///
    /// Values: null → `.null`; bool → `.bool`; integers and floats → `.number` (integers beyond
    /// ±2^53 lose precision in `Double`; NaN and ±infinity are kept, and Slipway's JSON writer
    /// prints them as `null`); utf8 → `.string`; binary → base64 `.string`; lists → `.array`;
    /// structs → `.object`; date32/date64 → `"YYYY-MM-DD"` (a date64's time of day is dropped);
    /// timestamps → ISO 8601 text with the unit's fraction digits, suffixed `Z` (and shown in UTC)
    /// when the timestamp has a time zone. If two columns share a name, the later one wins.
    public func records() -> [[String: JSONValue]] {
        var out: [[String: JSONValue]] = []
        out.reserveCapacity(rowCount)
        for batch in batches {
            for row in 0..<batch.count {
                var record: [String: JSONValue] = [:]
                record.reserveCapacity(schema.fields.count)
                for (field, column) in zip(schema.fields, batch.columns) {
                    record[field.name] = column.jsonValue(at: row)
                }
                out.append(record)
            }
        }
        return out
    }

    /// Builds a one-batch table from pandas-style records.
    ///
    /// With a `schema`, each field takes `record[field.name]` (a missing key is null) converted
    /// to the field's type, and keys the schema does not name are ignored, as
    /// `pa.Table.from_pandas(df, schema=...)` does. Accepted values: numbers for integer and
    /// float types (integers must be whole and in range), strings for utf8, base64 strings for
    /// binary, arrays for lists (exactly `size` elements for fixed-size lists), objects for
    /// structs (missing members are null, unknown members ignored), `"YYYY-MM-DD"` or a number
    /// of days (date32) / milliseconds (date64) for dates, ISO 8601 text (no offset means UTC)
    /// or a number in the column's unit for timestamps.
    ///
    /// Without a schema, one is inferred, like pyarrow: columns in sorted name order, every
    /// field nullable; numbers → int64 if every number of the column is whole, else float64;
    /// strings → utf8; bools → bool; arrays → list of the inferred element type (nested lists
    /// allowed); objects → struct of the union of their keys, sorted; a column of only nulls
    /// (or an empty list's elements) → null.
    ///
    /// - Throws: ``ArrowError`` naming the column and row of a value that does not fit, of a
    ///   null in a non-nullable field, or (inference) of a column that mixes kinds of values.
    public init(records: [[String: JSONValue]], schema: ArrowSchema? = nil) throws {
        let schema = try schema ?? ArrowRecordsConverter.inferSchema(records)
        let rows = Array(records.indices)
        var columns: [ArrowArray] = []
        for field in schema.fields {
            let values = records.map { $0[field.name] ?? .null }
            let column = try ArrowRecordsConverter.array(values, rows: rows, field: field, path: field.name)
            try column.validate()
            columns.append(column)
        }
        self.init(unchecked: schema, batches: [ArrowRecordBatch(unchecked: records.count, columns: columns)])
    }
}

extension ArrowArray {
    /// Row `index` as JSON (see ``ArrowTable/records()`` for the mapping).
    public func jsonValue(at index: Int) -> JSONValue {
        if isNull(index) { return .null }
        switch values {
        case .none:
            return .null
        case .bools(let values):
            return .bool(values[index])
        case .integers(let values):
            switch type {
            case .date32: return .string(ArrowTemporal.dateString(days: values[index]))
            case .date64: return .string(ArrowTemporal.dateString(days: ArrowTemporal.floorDivide(values[index], 86_400_000)))
            case .timestamp(let unit, let timezone):
                return .string(ArrowTemporal.timestampString(values[index], unit: unit, utc: timezone != nil))
            default: return .number(Double(values[index]))
            }
        case .unsignedIntegers(let values):
            return .number(Double(values[index]))
        case .floats(let values):
            return .number(values[index])
        case .strings(let values):
            return .string(values[index])
        case .bytes(let values):
            return .string(values[index].base64EncodedString())
        case .lists(let offsets, let child):
            return .array((offsets[index]..<offsets[index + 1]).map { child.jsonValue(at: $0) })
        case .fixedSizeLists(let child):
            guard case .fixedSizeList(_, let size) = type else { return .null }
            return .array((index * size..<(index + 1) * size).map { child.jsonValue(at: $0) })
        case .structs(let children):
            guard case .struct(let fields) = type else { return .null }
            var object: [String: JSONValue] = [:]
            for (field, child) in zip(fields, children) { object[field.name] = child.jsonValue(at: index) }
            return .object(object)
        }
    }
}
