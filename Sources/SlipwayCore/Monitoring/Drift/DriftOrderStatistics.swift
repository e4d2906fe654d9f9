import Foundation

/// Order statistics of a feature's finite values without sorting them.
///
/// A counting pass puts every finite value into one of `bucketCount` equal-width buckets; the
/// cumulative counts tell which bucket holds each wanted rank (`Plan`); one more pass copies
/// just those buckets' values out, and a quickselect inside each copy finds the rank. The
/// input is never copied whole nor reordered. The bucket of a value is a monotone function of
/// it, so the answer is exact whatever the data; skewed data only makes a bucket (and its
/// quickselect) larger.
///
/// Usually the buckets span a sample's range (`sampleBucketing`) and the counting is part of
/// the first pass (`DriftColumnScan.scanCounting`), the copying part of the deviations pass
/// (`DriftPass` with a plan): two reads in all. Otherwise (few values, or a sample without a
/// range) the buckets span [min, max], `DriftPass` counts and `select` copies out.
enum DriftOrderStatistics {
    /// Buckets of the counting pass: 4,096 counters (32 KiB) stay in the L1/L2 cache.
    static let bucketCount = 4096
    /// Up to this many values a sorted copy is simpler and as fast.
    static let sortThreshold = 2048

    /// The selected values, and for each how many finite values are ≤ it (which gives the
    /// counts of bins whose edges are these values without another pass).
    struct Selection {
        var values: [Double]
        var atMost: [Int]
    }

    /// The bucketing the counting pass should use for values with this first-pass `scan`, or
    /// nil when no counting pass is needed (few values: sorted; a single value: trivial).
    static func bucketing(for scan: DriftColumnScan) -> Bucketing? {
        guard scan.count > sortThreshold, scan.min < scan.max else { return nil }
        return Bucketing(min: scan.min, max: scan.max, count: bucketCount)
    }

    /// Values read to guess the range before the first pass.
    static let sampleSize = 4096

    /// A bucketing for counting during the first pass, before min and max are known: over the
    /// range of `sampleSize` evenly spaced values. Values outside that range fall in the end
    /// buckets, which keeps the selection exact (the bucket is still a monotone function of the
    /// value); only their size depends on how well the sample spans the data. Nil when the
    /// values are few enough to sort or the sample has no two distinct finite values (then
    /// `bucketing(for:)` after the first pass decides).
    static func sampleBucketing(_ values: UnsafeBufferPointer<Double>) -> Bucketing? {
        let n = values.count
        guard n > sortThreshold else { return nil }
        var low = Double.infinity
        var high = -Double.infinity
        for s in 0..<sampleSize {
            let x = values[s * (n / sampleSize) + s * (n % sampleSize) / sampleSize]
            if x.isFinite {
                low = Swift.min(low, x)
                high = Swift.max(high, x)
            }
        }
        guard low < high else { return nil }
        let bucketing = Bucketing(min: low, max: high, count: bucketCount)
        return bucketing.count > 1 ? bucketing : nil
    }

    /// The values of 1-based `ranks` (each in 1...scan.count) among the finite `values`, in the
    /// order of `ranks`. `histogram` is the counting pass's result when `bucketing(for: scan)`
    /// was not nil.
    static func select(ranks: [Int], in values: UnsafeBufferPointer<Double>, scan: DriftColumnScan,
                       histogram: Histogram?) -> Selection {
        let n = scan.count
        precondition(ranks.allSatisfy { (1...n).contains($0) }, "rank out of 1...\(n)")
        if ranks.isEmpty { return Selection(values: [], atMost: []) }
        if scan.min == scan.max {
            return Selection(values: ranks.map { _ in scan.min }, atMost: ranks.map { _ in n })
        }
        guard let histogram else {
            var finite: [Double] = []
            finite.reserveCapacity(n)
            for x in values where x.isFinite { finite.append(x) }
            finite.sort()
            let selected = ranks.map { finite[$0 - 1] }
            return Selection(values: selected, atMost: selected.map { v in upperBound(of: v, in: finite) })
        }

        let plan = Plan(ranks: ranks, histogram: histogram)
        var gathered = [Double](repeating: 0, count: plan.total)
        return gathered.withUnsafeMutableBufferPointer { gathered in
            var filled = plan.offsets
            plan.slotOfBucket.withUnsafeBufferPointer { slotOf in
                filled.withUnsafeMutableBufferPointer { filled in
                    for x in values where x.isFinite {
                        let slot = Int(slotOf[plan.bucketing.index(of: x)])
                        if slot >= 0 {
                            gathered[filled[slot]] = x
                            filled[slot] &+= 1
                        }
                    }
                }
            }
            return plan.select(in: gathered)
        }
    }

    /// Where the wanted ranks are, once the buckets are counted: which bucket holds each rank
    /// and its rank inside it, and the layout of the buffer their values are copied into (slot
    /// s, one per bucket that holds a rank, starts at offsets[s]). The copy is either a pass of
    /// its own (`select`) or part of the deviations pass (`DriftPass`).
    struct Plan {
        let bucketing: Bucketing
        /// Per rank: its bucket, its 0-based rank inside that bucket, the values in earlier buckets.
        let located: [(bucket: Int, local: Int, before: Int)]
        /// Per bucket: its slot, or −1 when it holds no wanted rank.
        let slotOfBucket: [Int32]
        let offsets: [Int]
        let counts: [Int]
        /// Values to copy out, all slots together.
        let total: Int

        init(ranks: [Int], histogram: Histogram) {
            let counts = histogram.counts
            var located: [(bucket: Int, local: Int, before: Int)] = []
            located.reserveCapacity(ranks.count)
            for rank in ranks {
                var before = 0
                var bucket = 0
                while before + counts[bucket] < rank {
                    before += counts[bucket]
                    bucket += 1
                }
                located.append((bucket, rank - before - 1, before))
            }
            var slotOfBucket = [Int32](repeating: -1, count: counts.count)
            var offsets: [Int] = []
            var total = 0
            for entry in located where slotOfBucket[entry.bucket] < 0 {
                slotOfBucket[entry.bucket] = Int32(offsets.count)
                offsets.append(total)
                total += counts[entry.bucket]
            }
            self.bucketing = histogram.bucketing
            self.located = located
            self.slotOfBucket = slotOfBucket
            self.offsets = offsets
            self.counts = counts
            self.total = total
        }

        /// The ranks' values from the copied-out slots (`gathered`, `total` values, reordered):
        /// a quickselect of each rank inside its bucket's slot, and that slot's values ≤ it.
        func select(in gathered: UnsafeMutableBufferPointer<Double>) -> Selection {
            var selection = Selection(values: [], atMost: [])
            selection.values.reserveCapacity(located.count)
            selection.atMost.reserveCapacity(located.count)
            for entry in located {
                let start = offsets[Int(slotOfBucket[entry.bucket])]
                let slot = UnsafeMutableBufferPointer(rebasing: gathered[start..<(start + counts[entry.bucket])])
                let value = quickselect(slot, index: entry.local)
                var within = 0
                for v in slot where v <= value { within &+= 1 }
                selection.values.append(value)
                selection.atMost.append(entry.before + within)
            }
            return selection
        }
    }

    /// How many values of the sorted `sorted` are ≤ `value`.
    private static func upperBound(of value: Double, in sorted: [Double]) -> Int {
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Equal-width buckets over [min, max]: bucket(x) = round((x − min) · (count − 1) / (max − min)),
    /// clamped to the buckets. When the width is not a positive finite number (it overflows
    /// or underflows), every value goes to bucket 0, which stays exact (one big quickselect).
    struct Bucketing {
        let min: Double
        let scale: Double
        let last: Int
        let count: Int
        /// `last` as a double, the largest t.
        let lastBucket: Double
        /// min, scale and lastBucket in both lanes, for `indices(of:)`.
        let pairMin: SIMD2<Double>, pairScale: SIMD2<Double>, pairLast: SIMD2<Double>

        init(min: Double, max: Double, count: Int) {
            let width = max - min
            let scale = Double(count - 1) / width
            if width.isFinite && width > 0 && scale.isFinite && scale > 0 {
                self.scale = scale
                self.count = count
            } else {
                self.scale = 0
                self.count = 1
            }
            self.min = min
            self.last = self.count - 1
            self.lastBucket = Double(self.last)
            pairMin = SIMD2(repeating: min)
            pairScale = SIMD2(repeating: self.scale)
            pairLast = SIMD2(repeating: lastBucket)
        }

        /// The bucket of a finite x, t = (x − min) · scale rounded to the nearest integer, so
        /// bucket i takes t in about [i − ½, i + ½]: values below min go to bucket 0, above max
        /// to the last (and with the degenerate scale 0 everything goes to bucket 0, NaN
        /// products included). The rounding is adding 2⁵², which leaves round(t) in the low bits
        /// (t is in [0, last]): no conversion with range checks. Monotone in x, which is all the
        /// selection needs.
        @inline(__always)
        func index(of x: Double) -> Int {
            let t = (x - min) * scale
            let clamped = t > 0 ? Swift.min(t, lastBucket) : 0
            return Int(truncatingIfNeeded: (clamped + 0x1p52).bitPattern &- (0x1p52 as Double).bitPattern)
        }

        /// `index(of:)` of two finite values at once, the same operations lane by lane (so the
        /// same buckets).
        @inline(__always)
        func indices(of x: SIMD2<Double>) -> SIMD2<Int64> {
            let t = (x - pairMin) * pairScale
            let clamped = t.replacing(with: 0, where: .!(t .> 0)).replacing(with: pairLast, where: t .> pairLast)
            let shifted = clamped + SIMD2(repeating: 0x1p52)
            return unsafeBitCast(shifted, to: SIMD2<Int64>.self) &- Int64(bitPattern: (0x1p52 as Double).bitPattern)
        }
    }

    /// The counting pass's result: how many finite values fell in each bucket.
    struct Histogram {
        let bucketing: Bucketing
        var counts: [Int]
    }

    /// The value that would be at `index` if `buffer` were sorted, moving elements around
    /// (introselect: median-of-three Hoare partitions, and a sort of what is left when the
    /// partitions stop shrinking, so the worst case stays O(n log n)).
    static func quickselect(_ buffer: UnsafeMutableBufferPointer<Double>, index: Int) -> Double {
        precondition(buffer.indices.contains(index))
        var lo = 0
        var hi = buffer.count - 1
        var budget = 2 * (Int.bitWidth - buffer.count.leadingZeroBitCount) + 8
        while hi - lo > 16 {
            if budget == 0 {
                var rest = UnsafeMutableBufferPointer(rebasing: buffer[lo...hi])
                rest.sort()
                return buffer[index]
            }
            budget -= 1
            // Median of three as the pivot value.
            let mid = lo + (hi - lo) / 2
            var a = buffer[lo], b = buffer[mid], c = buffer[hi]
            if a > b { swap(&a, &b) }
            if b > c { swap(&b, &c) }
            if a > b { swap(&a, &b) }
            // Put the three back in order: buffer[lo] ≤ pivot ≤ buffer[hi] guarantees both sides
            // of the partition are non-empty, so every round shrinks the range.
            buffer[lo] = a; buffer[mid] = b; buffer[hi] = c
            let pivot = b
            // Hoare partition: [lo, j] ≤ pivot ≤ [j + 1, hi]; values equal to the pivot go to
            // both sides, so many equal values still split the range in two.
            var i = lo - 1
            var j = hi + 1
            while true {
                repeat { i += 1 } while buffer[i] < pivot
                repeat { j -= 1 } while buffer[j] > pivot
                if i >= j { break }
                buffer.swapAt(i, j)
            }
            if index <= j { hi = j } else { lo = j + 1 }
        }
        // Insertion sort of the last few.
        if lo < hi {
            for k in (lo + 1)...hi {
                let x = buffer[k]
                var m = k - 1
                while m >= lo && buffer[m] > x {
                    buffer[m + 1] = buffer[m]
                    m -= 1
                }
                buffer[m + 1] = x
            }
        }
        return buffer[index]
    }
}
