import Foundation

/// The first pass over a feature's values: how many are finite, how many are not (NaN, ±inf),
/// and the finite values' sum, min and max. Read-only, no allocation.
struct DriftColumnScan: Sendable, Equatable {
    var count = 0
    var missing = 0
    var sum = 0.0
    var min = 0.0
    var max = 0.0

    var mean: Double { count > 0 ? sum / Double(count) : 0 }

    /// Scans `values` with four independent accumulators, so the additions and comparisons of
    /// consecutive values do not wait on each other (and the sum's rounding error grows more
    /// slowly than with one running total).
    static func scan(_ values: UnsafeBufferPointer<Double>) -> DriftColumnScan {
        var sums = (0.0, 0.0, 0.0, 0.0)
        var lows = (Double.infinity, Double.infinity, Double.infinity, Double.infinity)
        var highs = (-Double.infinity, -Double.infinity, -Double.infinity, -Double.infinity)
        var finite = 0
        let n = values.count
        var i = 0
        while i + 4 <= n {
            let a = values[i], b = values[i + 1], c = values[i + 2], d = values[i + 3]
            if a.isFinite && b.isFinite && c.isFinite && d.isFinite {
                sums.0 += a; sums.1 += b; sums.2 += c; sums.3 += d
                lows.0 = Swift.min(lows.0, a); lows.1 = Swift.min(lows.1, b)
                lows.2 = Swift.min(lows.2, c); lows.3 = Swift.min(lows.3, d)
                highs.0 = Swift.max(highs.0, a); highs.1 = Swift.max(highs.1, b)
                highs.2 = Swift.max(highs.2, c); highs.3 = Swift.max(highs.3, d)
                finite &+= 4
            } else {
                for j in i..<(i + 4) where values[j].isFinite {
                    let x = values[j]
                    sums.0 += x
                    lows.0 = Swift.min(lows.0, x)
                    highs.0 = Swift.max(highs.0, x)
                    finite &+= 1
                }
            }
            i += 4
        }
        while i < n {
            let x = values[i]
            if x.isFinite {
                sums.0 += x
                lows.0 = Swift.min(lows.0, x)
                highs.0 = Swift.max(highs.0, x)
                finite &+= 1
            }
            i += 1
        }
        var result = DriftColumnScan()
        result.count = finite
        result.missing = n - finite
        guard finite > 0 else { return result }
        result.sum = (sums.0 + sums.1) + (sums.2 + sums.3)
        result.min = Swift.min(Swift.min(lows.0, lows.1), Swift.min(lows.2, lows.3))
        result.max = Swift.max(Swift.max(highs.0, highs.1), Swift.max(highs.2, highs.3))
        return result
    }
}
