import Foundation

/// The second pass over a feature's values, after `DriftColumnScan`: in one read it bins them
/// (when given a binner), counts them into the order-statistics buckets (when given a
/// bucketing), copies out the values of the buckets that hold wanted ranks (when given a
/// selection plan), and sums their deviations from the first pass's mean for the std.
enum DriftPass {
    struct Result {
        var counts: [Int]
        var histogram: DriftOrderStatistics.Histogram?
        /// Σ (x − mean) and Σ (x − mean)² over the finite values.
        var deviationSum: Double
        var squaredDeviationSum: Double
        /// With a plan: the values of its buckets, laid out as `plan.offsets` says.
        var gathered: [Double] = []
    }

    static func run(_ values: UnsafeBufferPointer<Double>, mean: Double, binner: DriftBinner?,
                    bucketing: DriftOrderStatistics.Bucketing?, plan: DriftOrderStatistics.Plan? = nil) -> Result {
        let binCount = binner?.binCount ?? 0
        let bounds = binner?.bounds ?? []
        var buckets = [Int](repeating: 0, count: bucketing?.count ?? 0)
        var gathered = [Double](repeating: 0, count: plan?.total ?? 0)
        var filled = plan?.offsets ?? []
        let slotOfBucket = plan?.slotOfBucket ?? []
        var counts = [Int](repeating: 0, count: binCount)
        var totals = Totals()
        bounds.withUnsafeBufferPointer { bounds in
            buckets.withUnsafeMutableBufferPointer { buckets in
                gathered.withUnsafeMutableBufferPointer { gathered in
                    filled.withUnsafeMutableBufferPointer { filled in
                        slotOfBucket.withUnsafeBufferPointer { slotOf in
                            let extras = Extras(bucketing: bucketing, buckets: buckets, gather: plan?.bucketing,
                                                slotOf: slotOf, gathered: gathered, filled: filled)
                            let left = binner?.leftEdge
                            switch Self.binning(binner) {
                            case .none:
                                var tally = NoTally()
                                totals = loop(values, mean: mean, tally: &tally, extras: extras)
                            case .cumulative:
                                var tally = CumulativeTally(bounds: bounds, leftEdge: left)
                                totals = loop(values, mean: mean, tally: &tally, extras: extras)
                                tally.counts(into: &counts, finite: totals.finite, bounds: bounds.count)
                            case .cumulativeWide:
                                var tally = WideCumulativeTally(bounds: bounds, leftEdge: left)
                                totals = loop(values, mean: mean, tally: &tally, extras: extras)
                                tally.counts(into: &counts, finite: totals.finite, bounds: bounds.count)
                            case .perValue:
                                var tally = PerValueTally(bounds: bounds, leftEdge: left, binCount: binCount)
                                totals = loop(values, mean: mean, tally: &tally, extras: extras)
                                tally.counts(into: &counts)
                            }
                        }
                    }
                }
            }
        }
        return Result(counts: counts, histogram: bucketing.map { .init(bucketing: $0, counts: buckets) },
                      deviationSum: totals.deviation, squaredDeviationSum: totals.squared, gathered: gathered)
    }

    /// How values are binned. Up to 16 sorted bounds are compared at once as one or two vectors
    /// of 8 (padded with +inf, which no finite value exceeds), each lane counting the values
    /// above its bound: no branch and no memory write depends on the data. Unsorted bounds (a
    /// hand-made summary) and more than 16 bounds bin value by value.
    enum Binning: Equatable {
        case none, cumulative, cumulativeWide, perValue
    }

    static func binning(_ binner: DriftBinner?) -> Binning {
        guard let binner else { return .none }
        let all = (binner.leftEdge.map { [$0] } ?? []) + binner.bounds
        let sorted = zip(all, all.dropFirst()).allSatisfy { $0 <= $1 } && !all.contains(where: \.isNaN)
        switch binner.bounds.count {
        case ...8 where sorted: return .cumulative
        case ...16 where sorted: return .cumulativeWide
        default: return .perValue
        }
    }

    /// What the loop adds up besides the bins.
    struct Totals {
        var deviation = 0.0
        var squared = 0.0
        var finite = 0
    }

    /// Bin counting, one finite value at a time; the loop is specialised for each kind.
    protocol Tally {
        mutating func add(_ x: Double, at i: Int)
    }

    struct NoTally: Tally {
        @inline(__always) mutating func add(_ x: Double, at i: Int) {}
    }

    /// Up to 8 sorted bounds: lane j counts the values above bounds[j] (as minus the sum of
    /// the −1 masks), and a scalar counts those below the left edge. Sorted bounds make these
    /// sets nested, so bin b holds (values with ≥ b indicators) − (values with ≥ b + 1).
    struct CumulativeTally: Tally {
        let low: SIMD8<Double>
        let left: Double
        let hasLeft: Bool
        var above = SIMD8<Int64>()
        var belowLeft = 0

        init(bounds: UnsafeBufferPointer<Double>, leftEdge: Double?) {
            var low = SIMD8<Double>(repeating: .infinity)
            for j in 0..<Swift.min(bounds.count, 8) { low[j] = bounds[j] }
            self.low = low
            self.left = leftEdge ?? -Double.infinity
            self.hasLeft = leftEdge != nil
        }

        @inline(__always) mutating func add(_ x: Double, at i: Int) {
            above &+= unsafeBitCast(low .< SIMD8<Double>(repeating: x), to: SIMD8<Int64>.self)
            belowLeft &+= x < left ? 1 : 0
        }

        func counts(into counts: inout [Int], finite: Int, bounds: Int) {
            let above = (0..<bounds).map { -Int(self.above[$0]) }
            DriftPass.difference(into: &counts, finite: finite, belowLeft: hasLeft ? belowLeft : nil, above: above)
        }
    }

    /// 9 to 16 sorted bounds, as `CumulativeTally` with two vectors.
    struct WideCumulativeTally: Tally {
        var narrow: CumulativeTally
        let high: SIMD8<Double>
        var aboveHigh = SIMD8<Int64>()

        init(bounds: UnsafeBufferPointer<Double>, leftEdge: Double?) {
            narrow = CumulativeTally(bounds: bounds, leftEdge: leftEdge)
            var high = SIMD8<Double>(repeating: .infinity)
            for j in 8..<Swift.min(bounds.count, 16) { high[j - 8] = bounds[j] }
            self.high = high
        }

        @inline(__always) mutating func add(_ x: Double, at i: Int) {
            narrow.add(x, at: i)
            aboveHigh &+= unsafeBitCast(high .< SIMD8<Double>(repeating: x), to: SIMD8<Int64>.self)
        }

        func counts(into counts: inout [Int], finite: Int, bounds: Int) {
            let above = (0..<bounds).map { $0 < 8 ? -Int(narrow.above[$0]) : -Int(aboveHigh[$0 - 8]) }
            DriftPass.difference(into: &counts, finite: finite, belowLeft: narrow.hasLeft ? narrow.belowLeft : nil,
                                 above: above)
        }
    }

    /// Bin counts from nested counts: all finite values, those at or above the left edge, and
    /// those above each bound. Edges with a nil inside (a hand-made summary) have more bins
    /// than bounds: the extra bins stay empty.
    static func difference(into counts: inout [Int], finite: Int, belowLeft: Int?, above: [Int]) {
        var atLeast = [finite] + (belowLeft.map { [finite - $0] } ?? []) + above
        while atLeast.count < counts.count + 1 { atLeast.append(0) }
        for b in counts.indices { counts[b] = atLeast[b] - atLeast[b + 1] }
    }

    /// Value by value: a linear count of the bounds below x up to 16 bounds (any order), the
    /// branch-free binary search beyond; four sets of counters, one per position modulo 4, so
    /// that consecutive values in the same bin increment different memory cells.
    struct PerValueTally: Tally {
        let bounds: UnsafeBufferPointer<Double>
        let left: Double
        let hasLeft: Bool
        let stride: Int
        var lanes: [Int]

        init(bounds: UnsafeBufferPointer<Double>, leftEdge: Double?, binCount: Int) {
            self.bounds = bounds
            self.left = leftEdge ?? -Double.infinity
            self.hasLeft = leftEdge != nil
            self.stride = Swift.max(binCount, 1)
            self.lanes = [Int](repeating: 0, count: 4 * stride)
        }

        @inline(__always) mutating func add(_ x: Double, at i: Int) {
            var bin = 0
            if bounds.count <= 16 {
                for b in bounds where b < x { bin &+= 1 }
            } else {
                bin = DriftBinner.countBelow(x, in: bounds)
            }
            bin &+= hasLeft && x >= left ? 1 : 0
            lanes[(i & 3) &* stride &+ bin] &+= 1
        }

        func counts(into counts: inout [Int]) {
            for lane in 0..<4 {
                for b in counts.indices { counts[b] += lanes[lane * stride + b] }
            }
        }
    }

    /// The per-value work besides binning and deviations: bucket counting and copying out.
    struct Extras {
        let counting: Bool
        let bucketOf: DriftOrderStatistics.Bucketing
        let buckets: UnsafeMutableBufferPointer<Int>
        let gathering: Bool
        let gatherOf: DriftOrderStatistics.Bucketing
        let slotOf: UnsafeBufferPointer<Int32>
        let gathered: UnsafeMutableBufferPointer<Double>
        let filled: UnsafeMutableBufferPointer<Int>

        init(bucketing: DriftOrderStatistics.Bucketing?, buckets: UnsafeMutableBufferPointer<Int>,
             gather: DriftOrderStatistics.Bucketing?, slotOf: UnsafeBufferPointer<Int32>,
             gathered: UnsafeMutableBufferPointer<Double>, filled: UnsafeMutableBufferPointer<Int>) {
            // Stand-ins when unused (never read): the same type keeps the loop free of optionals.
            let unused = DriftOrderStatistics.Bucketing(min: 0, max: 1, count: 1)
            counting = bucketing != nil
            bucketOf = bucketing ?? unused
            self.buckets = buckets
            gathering = gather != nil
            gatherOf = gather ?? unused
            self.slotOf = slotOf
            self.gathered = gathered
            self.filled = filled
        }

        @inline(__always) func visit(_ x: Double) {
            if counting {
                buckets[bucketOf.index(of: x)] &+= 1
            }
            if gathering {
                let slot = Int(slotOf[gatherOf.index(of: x)])
                if slot >= 0 {
                    gathered[filled[slot]] = x
                    filled[slot] &+= 1
                }
            }
        }
    }

    /// The loop, with every accumulator a local so that it lives in a register. The flags are
    /// the same for every value, so their branches are always predicted. Deviations go to two
    /// accumulators by the parity of the value's position, as they always have: values come
    /// in pairs, and a value that is not finite adds +0, which changes neither sum (neither is
    /// ever −0, so +0 is an identity for both).
    private static func loop<T: Tally>(_ values: UnsafeBufferPointer<Double>, mean: Double, tally: inout T,
                                       extras: Extras) -> Totals {
        var totals = Totals()
        guard let base = values.baseAddress else { return totals }
        // Local copies: an inout or indirect argument would keep its fields in memory.
        var local = tally
        defer { tally = local }
        let extras = extras
        var dev0 = 0.0, dev1 = 0.0, sq0 = 0.0, sq1 = 0.0
        var finite = 0
        let n = values.count
        var i = 0
        while i + 2 <= n {
            let x0 = base[i], x1 = base[i + 1]
            let f0 = x0.isFinite, f1 = x1.isFinite
            let d0 = f0 ? x0 - mean : 0, d1 = f1 ? x1 - mean : 0
            dev0 += d0; sq0 += d0 * d0
            dev1 += d1; sq1 += d1 * d1
            if f0 {
                local.add(x0, at: i)
                extras.visit(x0)
                finite &+= 1
            }
            if f1 {
                local.add(x1, at: i &+ 1)
                extras.visit(x1)
                finite &+= 1
            }
            i &+= 2
        }
        if i < n, base[i].isFinite {
            let x = base[i]
            let d = x - mean
            dev0 += d; sq0 += d * d
            local.add(x, at: i)
            extras.visit(x)
            finite &+= 1
        }
        totals.deviation = dev0 + dev1
        totals.squared = sq0 + sq1
        totals.finite = finite
        return totals
    }
}
