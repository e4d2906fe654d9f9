import Foundation

/// The values of one feature over a time range, oldest first: `times[i]` (seconds since 1970)
/// is when `values[i]` was inferred. A NaN value is a record where the feature was present but
/// not a finite number.
public struct InferenceSeries: Sendable, Equatable {
    public var times: [Double]
    public var values: [Double]

    public init(times: [Double] = [], values: [Double] = []) {
        self.times = times
        self.values = values
    }

    public var count: Int { values.count }

    /// The values inferred in `[start, end)`, found by binary search on the sorted times.
    public func values(from start: Date, to end: Date) -> ArraySlice<Double> {
        let lower = index(atOrAfter: start.timeIntervalSince1970)
        let upper = max(lower, index(atOrAfter: end.timeIntervalSince1970))
        return values[lower..<upper]
    }

    private func index(atOrAfter time: Double) -> Int {
        var low = 0, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] < time { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
