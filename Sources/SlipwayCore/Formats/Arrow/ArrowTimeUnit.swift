import Foundation

/// The unit of an Arrow timestamp (Arrow's `TimeUnit`; raw values are its enum numbers).
public enum ArrowTimeUnit: Int16, Sendable, Hashable, CaseIterable {
    case second = 0
    case millisecond = 1
    case microsecond = 2
    case nanosecond = 3

    /// Units of this kind in one second.
    var perSecond: Int64 {
        switch self {
        case .second: 1
        case .millisecond: 1_000
        case .microsecond: 1_000_000
        case .nanosecond: 1_000_000_000
        }
    }
}
