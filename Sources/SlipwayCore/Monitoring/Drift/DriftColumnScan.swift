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

    /// The scan loop; with a bucketing it also counts every finite value into `buckets`.
    /// Accumulator j takes position i when i ≡ j (mod 4) and its group of four is all finite;
    /// the finite values of a group with a NaN or an infinity, and the last n mod 4 values, go
    /// to accumulator 0. The four accumulators are two pairs of vector lanes, which changes
    /// no operation: the sums are the same whichever form runs.
    private static func scan(_ values: UnsafeBufferPointer<Double>, bucketing: DriftOrderStatistics.Bucketing?,
                             buckets: UnsafeMutableBufferPointer<Int>?) -> DriftColumnScan {
        let counting = bucketing != nil
        let bucketOf = bucketing ?? DriftOrderStatistics.Bucketing(min: 0, max: 1, count: 1)
        let histogram = buckets ?? UnsafeMutableBufferPointer(start: nil, count: 0)
        // Lanes (0, 1) and (2, 3) of the four accumulators.
        var sumsA = SIMD2<Double>(), sumsB = SIMD2<Double>()
        var lowsA = SIMD2<Double>(repeating: .infinity), lowsB = lowsA
        var highsA = SIMD2<Double>(repeating: -.infinity), highsB = highsA
        var finite = 0
        let n = values.count
        var i = 0
        /// One value into accumulator 0, as Swift.min and Swift.max would.
        @inline(__always) func addToFirst(_ x: Double) {
            sumsA[0] += x
            lowsA[0] = Swift.min(lowsA[0], x)
            highsA[0] = Swift.max(highsA[0], x)
            finite &+= 1
            if counting { histogram[bucketOf.index(of: x)] &+= 1 }
        }
        while i + 4 <= n {
            let a = SIMD2(values[i], values[i + 1]), b = SIMD2(values[i + 2], values[i + 3])
            // x − x is 0 exactly when x is finite.
            if all(((a - a) .== 0) .& ((b - b) .== 0)) {
                sumsA += a; sumsB += b
                // Swift.min(low, x) is `x < low ? x : low`, Swift.max(high, x) `x >= high ? x : high`.
                lowsA.replace(with: a, where: a .< lowsA); lowsB.replace(with: b, where: b .< lowsB)
                highsA.replace(with: a, where: a .>= highsA); highsB.replace(with: b, where: b .>= highsB)
                finite &+= 4
                if counting {
                    let ia = bucketOf.indices(of: a), ib = bucketOf.indices(of: b)
                    histogram[Int(ia[0])] &+= 1
                    histogram[Int(ia[1])] &+= 1
                    histogram[Int(ib[0])] &+= 1
                    histogram[Int(ib[1])] &+= 1
                }
            } else {
                for j in i..<(i + 4) where values[j].isFinite { addToFirst(values[j]) }
            }
            i += 4
        }
        while i < n {
            if values[i].isFinite { addToFirst(values[i]) }
            i += 1
        }
        var result = DriftColumnScan()
        result.count = finite
        result.missing = n - finite
        guard finite > 0 else { return result }
        result.sum = (sumsA[0] + sumsA[1]) + (sumsB[0] + sumsB[1])
        result.min = Swift.min(Swift.min(lowsA[0], lowsA[1]), Swift.min(lowsB[0], lowsB[1]))
        result.max = Swift.max(Swift.max(highsA[0], highsA[1]), Swift.max(highsB[0], highsB[1]))
        return result
    }
}
