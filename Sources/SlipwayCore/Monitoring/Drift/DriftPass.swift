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
                            switch Self.binning(binner, bucketing: plan?.bucketing) {
                            case .byBucket(let bucketing):
                                let table = BucketTally.table(bucketing: bucketing, bounds: Array(bounds), leftEdge: left)
                                var lanes = [Int](repeating: 0, count: 2 * Swift.max(binCount, 1))
                                table.withUnsafeBufferPointer { table in
                                    lanes.withUnsafeMutableBufferPointer { lanes in
                                        var tally = BucketTally(binOf: table, bounds: bounds, left: left ?? -.infinity,
                                                                hasLeft: left != nil, lanes: lanes,
                                                                stride: Swift.max(binCount, 1))
                                        totals = loop(values, mean: mean, tally: &tally, extras: extras)
                                    }
                                }
                                for b in 0..<binCount { counts[b] = lanes[b] + lanes[binCount + b] }
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

    /// How values are binned. Sorted bounds, when the pass copies out buckets, bin by bucket
    /// (`BucketTally`); otherwise up to 16 sorted bounds are compared at once as one or two
    /// vectors of 8 (padded with +inf, which no finite value exceeds), each lane counting the
    /// values above its bound: no branch and no memory write depends on the data. Unsorted
    /// bounds (a hand-made summary) and more than 16 bounds bin value by value.
    enum Binning {
        case none, byBucket(DriftOrderStatistics.Bucketing), cumulative, cumulativeWide, perValue
    }

    static func binning(_ binner: DriftBinner?, bucketing: DriftOrderStatistics.Bucketing?) -> Binning {
        guard let binner else { return .none }
        let all = (binner.leftEdge.map { [$0] } ?? []) + binner.bounds
        let sorted = zip(all, all.dropFirst()).allSatisfy { $0 <= $1 } && !all.contains(where: \.isNaN)
        if sorted, let bucketing, binner.binCount < Int(Int16.max) { return .byBucket(bucketing) }
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
        /// `bucket` is x's bucket in the gathering's bucketing (0 when not gathering).
        mutating func add(_ x: Double, bucket: Int, at i: Int)
    }

    struct NoTally: Tally {
        @inline(__always) mutating func add(_ x: Double, bucket: Int, at i: Int) {}
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

        @inline(__always) mutating func add(_ x: Double, bucket: Int, at i: Int) {
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

        @inline(__always) mutating func add(_ x: Double, bucket: Int, at i: Int) {
            narrow.add(x, bucket: bucket, at: i)
            aboveHigh &+= unsafeBitCast(high .< SIMD8<Double>(repeating: x), to: SIMD8<Int64>.self)
        }

        func counts(into counts: inout [Int], finite: Int, bounds: Int) {
            let above = (0..<bounds).map { $0 < 8 ? -Int(narrow.above[$0]) : -Int(aboveHigh[$0 - 8]) }
            DriftPass.difference(into: &counts, finite: finite, belowLeft: narrow.hasLeft ? narrow.belowLeft : nil,
                                 above: above)
        }
    }

    /// With a gathering bucketing, bins by bucket: a bucket strictly between the buckets of two
    /// consecutive edges lies wholly inside their bin (the bucket is monotone in the value, so
    /// x's bucket above an edge's means x is above the edge), and a table gives its bin; only
    /// the values in an edge's own bucket are compared with the bounds. Two sets of counters
    /// (even and odd positions) keep consecutive increments of one bin apart.
    struct BucketTally: Tally {
        let binOf: UnsafeBufferPointer<Int16>
        let bounds: UnsafeBufferPointer<Double>
        let left: Double
        let hasLeft: Bool
        let lanes: UnsafeMutableBufferPointer<Int>
        let stride: Int

        @inline(__always) mutating func add(_ x: Double, bucket: Int, at i: Int) {
            var bin = Int(binOf[bucket])
            if bin < 0 {
                bin = (hasLeft && x >= left ? 1 : 0) &+ DriftBinner.countBelow(x, in: bounds)
            }
            lanes[(i & 1) &* stride &+ bin] &+= 1
        }

        /// Per bucket: its bin, or −1 for the bucket of an edge (left edge included).
        static func table(bucketing: DriftOrderStatistics.Bucketing, bounds: [Double], leftEdge: Double?) -> [Int16] {
            var table = [Int16](repeating: 0, count: bucketing.count)
            let left = leftEdge.map { bucketing.index(of: $0) }
            let edges = bounds.map { bucketing.index(of: $0) }
            var next = 0
            for b in 0..<bucketing.count {
                while next < edges.count && edges[next] < b { next += 1 }
                table[b] = Int16((left.map { b > $0 ? 1 : 0 } ?? 0) + next)
            }
            if let left { table[left] = -1 }
            for e in edges { table[e] = -1 }
            return table
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

        @inline(__always) mutating func add(_ x: Double, bucket: Int, at i: Int) {
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

        /// `visit` of two finite values, their buckets computed together.
        @inline(__always) func visit(_ x: SIMD2<Double>) -> SIMD2<Int64> {
            if counting {
                let b = bucketOf.indices(of: x)
                buckets[Int(b[0])] &+= 1
                buckets[Int(b[1])] &+= 1
            }
            guard gathering else { return SIMD2() }
            let b = gatherOf.indices(of: x)
            let s0 = Int(slotOf[Int(b[0])]), s1 = Int(slotOf[Int(b[1])])
            if s0 >= 0 {
                gathered[filled[s0]] = x[0]
                filled[s0] &+= 1
            }
            if s1 >= 0 {
                gathered[filled[s1]] = x[1]
                filled[s1] &+= 1
            }
            return b
        }

        /// Counts and copies out one finite value; returns its bucket in the gathering's
        /// bucketing (0 when not gathering).
        @inline(__always) func visit(_ x: Double) -> Int {
            if counting {
                buckets[bucketOf.index(of: x)] &+= 1
            }
            guard gathering else { return 0 }
            let bucket = gatherOf.index(of: x)
            let slot = Int(slotOf[bucket])
            if slot >= 0 {
                gathered[filled[slot]] = x
                filled[slot] &+= 1
            }
            return bucket
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
        // Lane 0 sums the even positions' deviations, lane 1 the odd ones'.
        var dev = SIMD2<Double>(), sq = SIMD2<Double>()
        let means = SIMD2<Double>(repeating: mean)
        var finite = 0
        let n = values.count
        var i = 0
        while i + 2 <= n {
            let x = SIMD2(base[i], base[i + 1])
            // x − x is 0 exactly when x is finite (NaN for NaN and ±inf).
            let isFinite = (x - x) .== 0
            let d = (x - means).replacing(with: 0, where: .!isFinite)
            dev += d
            sq += d * d
            if all(isFinite) {
                let b = extras.visit(x)
                local.add(x[0], bucket: Int(b[0]), at: i)
                local.add(x[1], bucket: Int(b[1]), at: i &+ 1)
                finite &+= 2
            } else {
                if isFinite[0] {
                    local.add(x[0], bucket: extras.visit(x[0]), at: i)
                    finite &+= 1
                }
                if isFinite[1] {
                    local.add(x[1], bucket: extras.visit(x[1]), at: i &+ 1)
                    finite &+= 1
                }
            }
            i &+= 2
        }
        var dev0 = dev[0], sq0 = sq[0]
        let dev1 = dev[1], sq1 = sq[1]
        if i < n, base[i].isFinite {
            let x = base[i]
            let d = x - mean
            dev0 += d; sq0 += d * d
            local.add(x, bucket: extras.visit(x), at: i)
            finite &+= 1
        }
        totals.deviation = dev0 + dev1
        totals.squared = sq0 + sq1
        totals.finite = finite
        return totals
    }
}
