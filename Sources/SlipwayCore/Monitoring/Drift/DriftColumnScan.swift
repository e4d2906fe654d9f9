import Foundation

/// The first pass over a feature's values: how many are finite, how many are not (NaN, ±inf),
/// and the finite values' sum, min and max; optionally also the order-statistics bucket counts
/// over a range guessed from a sample, so that the selection needs no counting pass of its own.
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
        scan(values, bucketing: nil, buckets: nil)
    }

    /// The scan and, when the values are many and a sample of them spans a range, the bucket
    /// counts over that range (`DriftOrderStatistics.sampleBucketing`), in the same pass.
    static func scanCounting(_ values: UnsafeBufferPointer<Double>) -> (scan: DriftColumnScan,
                                                                       histogram: DriftOrderStatistics.Histogram?) {
        guard let bucketing = DriftOrderStatistics.sampleBucketing(values) else { return (scan(values), nil) }
        var counts = [Int](repeating: 0, count: bucketing.count)
        let result = counts.withUnsafeMutableBufferPointer { scan(values, bucketing: bucketing, buckets: $0) }
        return (result, .init(bucketing: bucketing, counts: counts))
    }

    /// The scan loop; with a bucketing it also counts every finite value into `buckets`. The
    /// accumulators' order of operations is the same either way (the sums are bit-identical).
    private static func scan(_ values: UnsafeBufferPointer<Double>, bucketing: DriftOrderStatistics.Bucketing?,
                             buckets: UnsafeMutableBufferPointer<Int>?) -> DriftColumnScan {
        let counting = bucketing != nil
        let bucketOf = bucketing ?? DriftOrderStatistics.Bucketing(min: 0, max: 1, count: 1)
        let histogram = buckets ?? UnsafeMutableBufferPointer(start: nil, count: 0)
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
                if counting {
                    histogram[bucketOf.index(of: a)] &+= 1
                    histogram[bucketOf.index(of: b)] &+= 1
                    histogram[bucketOf.index(of: c)] &+= 1
                    histogram[bucketOf.index(of: d)] &+= 1
                }
            } else {
                for j in i..<(i + 4) where values[j].isFinite {
                    let x = values[j]
                    sums.0 += x
                    lows.0 = Swift.min(lows.0, x)
                    highs.0 = Swift.max(highs.0, x)
                    finite &+= 1
                    if counting { histogram[bucketOf.index(of: x)] &+= 1 }
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
                if counting { histogram[bucketOf.index(of: x)] &+= 1 }
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
