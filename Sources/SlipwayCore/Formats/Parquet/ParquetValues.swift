/// The values of one column, one slot per row, as their physical type holds them. A null row's
/// slot holds a zero, `false` or an empty byte string (see ``ParquetColumnData/validity``).
public enum ParquetValues: Sendable, Hashable {
    case boolean([Bool])
    case int32([Int32])
    /// INT64 values, and INT96 timestamps converted to nanoseconds since the Unix epoch.
    case int64([Int64])
    case float([Float])
    case double([Double])
    /// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values.
    case bytes(ParquetByteArrays)

    /// The number of slots.
    public var count: Int {
        switch self {
        case .boolean(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .float(let values): values.count
        case .double(let values): values.count
        case .bytes(let values): values.count
        }
    }
}
