import Foundation

/// Order statistics of a feature's finite values without sorting them.
///
/// A counting pass (`DriftPass`, fused with the other per-value work) puts every finite value
/// into one of `bucketCount` equal-width buckets over [min, max]; the cumulative counts tell
/// which bucket holds each wanted rank; one more pass copies just those buckets' values out,
/// and a quickselect inside each copy finds the rank. The input is never copied whole nor
/// reordered. The bucket of a value is a monotone function of it, so the answer is exact
/// whatever the data; skewed data only makes a bucket (and its quickselect) larger.
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

        let counts = histogram.counts
        // Which bucket holds each rank, and the rank inside that bucket (0-based).
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
        // Copy out the values of the buckets that hold a rank, into one buffer where slot s
        // (one per such bucket) starts at offsets[s].
        var slotOfBucket = [Int32](repeating: -1, count: counts.count)
        var offsets: [Int] = []
        var total = 0
        for entry in located where slotOfBucket[entry.bucket] < 0 {
            slotOfBucket[entry.bucket] = Int32(offsets.count)
            offsets.append(total)
            total += counts[entry.bucket]
        }
        var gathered = [Double](repeating: 0, count: total)
        var selection = Selection(values: [], atMost: [])
        gathered.withUnsafeMutableBufferPointer { gathered in
            var filled = offsets
            slotOfBucket.withUnsafeBufferPointer { slotOf in
                filled.withUnsafeMutableBufferPointer { filled in
                    for x in values where x.isFinite {
                        let slot = Int(slotOf[histogram.bucketing.index(of: x)])
                        if slot >= 0 {
                            gathered[filled[slot]] = x
                            filled[slot] &+= 1
                        }
                    }
                }
            }
            // Quickselect each rank inside its bucket's slot, and count that slot's values ≤ it.
            for entry in located {
                let start = offsets[Int(slotOfBucket[entry.bucket])]
                let slot = UnsafeMutableBufferPointer(rebasing: gathered[start..<(start + counts[entry.bucket])])
                let value = quickselect(slot, index: entry.local)
                var within = 0
                for v in slot where v <= value { within &+= 1 }
                selection.values.append(value)
                selection.atMost.append(entry.before + within)
            }
        }
        return selection
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

    /// Equal-width buckets over [min, max]: bucket(x) = ⌊(x − min) · count / (max − min)⌋,
    /// clamped to the last bucket. When the width is not a positive finite number (it overflows
    /// or underflows), every value goes to bucket 0, which stays exact (one big quickselect).
    struct Bucketing {
        let min: Double
        let scale: Double
        let last: Int
        let count: Int

        init(min: Double, max: Double, count: Int) {
            let width = max - min
            let scale = Double(count) / width
            if width.isFinite && width > 0 && scale.isFinite {
                self.scale = scale
                self.count = count
            } else {
                self.scale = 0
                self.count = 1
            }
            self.min = min
            self.last = self.count - 1
        }

        /// The bucket of a finite x in [min, max].
        @inline(__always)
        func index(of x: Double) -> Int {
            Swift.min(Int((x - min) * scale), last)
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
