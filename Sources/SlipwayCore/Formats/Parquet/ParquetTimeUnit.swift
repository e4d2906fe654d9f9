/// The unit of a Parquet TIME or TIMESTAMP column.
public enum ParquetTimeUnit: Sendable, Hashable, CaseIterable {
    case milliseconds
    case microseconds
    case nanoseconds

    /// Units of this kind in one second.
    public var perSecond: Int64 {
        switch self {
        case .milliseconds: 1_000
        case .microseconds: 1_000_000
        case .nanoseconds: 1_000_000_000
        }
    }

    var arrowUnit: ArrowTimeUnit {
        switch self {
        case .milliseconds: .millisecond
        case .microseconds: .microsecond
        case .nanoseconds: .nanosecond
        }
    }
}
