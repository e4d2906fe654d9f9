import Foundation

/// The second pass over a feature's values, after `DriftColumnScan`: in one read it bins them
/// (when given a binner), counts them into the order-statistics buckets (when given a
/// bucketing), and sums their deviations from the first pass's mean for the std.
enum DriftPass {
    struct Result {
        var counts: [Int]
        var histogram: DriftOrderStatistics.Histogram?
        /// Σ (x − mean) and Σ (x − mean)² over the finite values.
        var deviationSum: Double
        var squaredDeviationSum: Double
    }

    static func run(_ values: UnsafeBufferPointer<Double>, mean: Double, binner: DriftBinner?,
                    bucketing: DriftOrderStatistics.Bucketing?) -> Result {
        // Four sets of bin counters, one per position modulo 4: consecutive values in the same
        // bin then increment different memory cells instead of waiting on one another.
        let binCount = binner?.binCount ?? 0
        let stride = Swift.max(binCount, 1)
        var laneCounts = [Int](repeating: 0, count: 4 * stride)
        var buckets = [Int](repeating: 0, count: bucketing?.count ?? 0)
        let bounds = binner?.bounds ?? []
        let sums = bounds.withUnsafeBufferPointer { bounds in
            laneCounts.withUnsafeMutableBufferPointer { laneCounts in
                buckets.withUnsafeMutableBufferPointer { buckets in
                    loop(values, mean: mean, binning: binner != nil, leftEdge: binner?.leftEdge, bounds: bounds,
                         counts: laneCounts.baseAddress!, stride: stride, bucketing: bucketing, buckets: buckets)
                }
            }
        }
        var counts = [Int](repeating: 0, count: binCount)
        for lane in 0..<4 {
            for b in 0..<binCount { counts[b] += laneCounts[lane * stride + b] }
        }
        return Result(counts: counts, histogram: bucketing.map { .init(bucketing: $0, counts: buckets) },
                      deviationSum: sums.deviation, squaredDeviationSum: sums.squared)
    }

    /// The loop, with every accumulator a local so that it lives in a register. Up to 16 bounds
    /// are compared at once as two vectors of 8 (padded with +inf, which no finite value
    /// exceeds): no branch depends on the data, so random data costs no mispredictions. More
    /// bounds use the branch-free binary search. The flags are the same for every value, so
    /// their branches are always predicted.
    private static func loop(_ values: UnsafeBufferPointer<Double>, mean: Double, binning: Bool, leftEdge: Double?,
                             bounds: UnsafeBufferPointer<Double>, counts: UnsafeMutablePointer<Int>, stride: Int,
                             bucketing: DriftOrderStatistics.Bucketing?,
                             buckets: UnsafeMutableBufferPointer<Int>) -> (deviation: Double, squared: Double) {
        var dev0 = 0.0, dev1 = 0.0, sq0 = 0.0, sq1 = 0.0
        let left = leftEdge ?? -Double.infinity
        let leftBin = leftEdge == nil ? 0 : 1
        let m = bounds.count
        let vector = m <= 16
        var low = SIMD8<Double>(repeating: .infinity)
        var high = SIMD8<Double>(repeating: .infinity)
        for j in 0..<Swift.min(m, 16) {
            if j < 8 { low[j] = bounds[j] } else { high[j - 8] = bounds[j] }
        }
        let counting = bucketing != nil
        // The same bucket function the gathering pass uses (they must agree value for value).
        let bucketOf = bucketing ?? DriftOrderStatistics.Bucketing(min: 0, max: 1, count: 1)
        guard let base = values.baseAddress else { return (0, 0) }
        let n = values.count
        var i = 0
        while i < n {
            let x = base[i]
            if x.isFinite {
                if binning {
                    var bin: Int
                    if vector {
                        let xs = SIMD8<Double>(repeating: x)
                        let below = unsafeBitCast(low .< xs, to: SIMD8<Int64>.self)
                            &+ unsafeBitCast(high .< xs, to: SIMD8<Int64>.self)
                        bin = Int(0 &- below.wrappedSum())
                    } else {
                        bin = DriftBinner.countBelow(x, in: bounds)
                    }
                    bin &+= x >= left ? leftBin : 0
                    counts[(i & 3) &* stride &+ bin] &+= 1
                }
                if counting {
                    buckets[bucketOf.index(of: x)] &+= 1
                }
                let d = x - mean
                if i & 1 == 0 { dev0 += d; sq0 += d * d } else { dev1 += d; sq1 += d * d }
            }
            i &+= 1
        }
        return (dev0 + dev1, sq0 + sq1)
    }
}
