import Foundation
import Testing

@testable import SlipwayCore

/// The two-pass summaries (bucket counts over a sampled range in the first pass, the ranks'
/// buckets copied out and the bins counted by bucket in the second) against a straightforward
/// reference on many random inputs: ties, NaN and ±inf, all-equal values, values exactly on
/// the edges, outliers the sample misses, inputs whose sample sees no range.
@Suite struct DriftFastPathTests {
    /// The reference summary fields: the scan's documented order of additions (accumulator
    /// i mod 4 for all-finite groups of four, accumulator 0 otherwise), the deviations by
    /// position parity, order statistics and bins from a sorted copy and `DriftBinner`.
    struct Reference {
        var count = 0, missing = 0
        var mean = 0.0, std = 0.0, min = 0.0, max = 0.0
        var sorted: [Double] = []

        init(_ values: [Double]) {
            var sums = [0.0, 0.0, 0.0, 0.0]
            var lows = [Double](repeating: .infinity, count: 4), highs = [Double](repeating: -.infinity, count: 4)
            func add(_ x: Double, to lane: Int) {
                sums[lane] += x
                lows[lane] = Swift.min(lows[lane], x)
                highs[lane] = Swift.max(highs[lane], x)
            }
            var i = 0
            while i < values.count {
                let group = i + 4 <= values.count ? Array(values[i..<(i + 4)]) : Array(values[i...])
                if group.count == 4 && group.allSatisfy(\.isFinite) {
                    for (lane, x) in group.enumerated() { add(x, to: lane) }
                } else {
                    for x in group where x.isFinite { add(x, to: 0) }
                }
                i += group.count
            }
            sorted = values.filter(\.isFinite).sorted()
            count = sorted.count
            missing = values.count - count
            guard count > 0 else { return }
            let n = Double(count)
            let scanMean = ((sums[0] + sums[1]) + (sums[2] + sums[3])) / n
            min = Swift.min(Swift.min(lows[0], lows[1]), Swift.min(lows[2], lows[3]))
            max = Swift.max(Swift.max(highs[0], highs[1]), Swift.max(highs[2], highs[3]))
            var dev = [0.0, 0.0], sq = [0.0, 0.0]
            for (position, x) in values.enumerated() where x.isFinite {
                let d = x - scanMean
                dev[position % 2] += d
                sq[position % 2] += d * d
            }
            let deviation = dev[0] + dev[1], squared = sq[0] + sq[1]
            let variance = (squared - deviation * deviation / n) / n
            std = variance > 0 ? variance.squareRoot() : 0
            mean = Swift.min(Swift.max(scanMean + deviation / n, min), max)
        }

        var median: Double { count > 0 ? sorted[(count + 1) / 2 - 1] : 0 }

        func counts(edges: [Double?], of values: [Double]) -> [Int] {
            let binner = DriftBinner(edges: edges)
            var counts = [Int](repeating: 0, count: binner.binCount)
            for x in values where x.isFinite { counts[binner.bin(of: x)] += 1 }
            return counts
        }
    }

    /// Inputs of many shapes, some small enough to be sorted, most large enough for the fast path.
    static func input(_ seed: UInt64) -> [Double] {
        var generator = ArrowTestSupport.SplitMix(state: seed)
        func unit() -> Double { Double(generator.next() >> 11) * 0x1p-53 }
        let sizes = [5, 2047, 2049, 4096, 4097, 8192, 12_345, 30_000]
        let n = sizes[Int(generator.next() % UInt64(sizes.count))]
        let shape = Int(generator.next() % 10)
        let center = (unit() - 0.5) * 1e3
        return (0..<n).map { i -> Double in
            let u = unit()
            switch shape {
            case 0: return center + u * 10                                   // uniform
            case 1: return (u * 6).rounded() + center                        // few distinct values
            case 2: return 7.25                                              // all equal
            case 3: return u < 0.05 ? [.nan, .infinity, -.infinity][i % 3] : u  // not finite mixed in
            case 4: return u < 0.001 ? (u < 0.0005 ? -1e9 : 1e9) : u          // outliers the sample may miss
            case 5: return i % 2 == 0 ? .nan : u                             // the sample (even positions) sees only NaN
            case 6: return i % 2 == 0 ? 3 : (u < 0.5 ? 3 : u)                // the sample sees one value
            case 7: return exp(u * 30) * (u < 0.5 ? -1 : 1)                  // heavy tails
            case 8: return i % 1000 == 0 ? 1e300 : -u                        // one bucket holds almost all
            default: return (u * u * 40).rounded() / 4 - 3                   // skewed, tied
            }
        }
    }

    static let summarizers = [
        DriftSummarizer(), DriftSummarizer(numBins: 40), DriftSummarizer(numBins: 7, addOutlierEdges: false),
        DriftSummarizer(binMode: .equal, numBins: 12), DriftSummarizer(binMode: .none),
        DriftSummarizer(binMode: .provided, providedEdges: [-2, 0, 0.25, 0.5, 0.75, 3]),
    ]

    @Test(arguments: 0..<60)
    func summariesEqualTheReference(seed: Int) throws {
        let baselineValues = Self.input(UInt64(seed) &* 7919 &+ 1)
        // The window: another input, with the baseline's own values appended (so some values
        // sit exactly on the edges, and many are tied with them).
        var windowValues = Self.input(UInt64(seed) &* 104_729 &+ 2)
        windowValues += baselineValues.prefix(3000)
        let summarizer = Self.summarizers[seed % Self.summarizers.count]
        let reference = Reference(baselineValues)
        guard reference.count > 0 else { return }
        let baseline = try DriftEngine.baseline(baselineValues, summarizer: summarizer)
        #expect(baseline.count == reference.count && baseline.missing == reference.missing)
        #expect(baseline.min == reference.min && baseline.max == reference.max)
        #expect(baseline.mean == reference.mean && baseline.std == reference.std)
        #expect(baseline.median == reference.median)
        #expect(baseline.counts == reference.counts(edges: baseline.edges, of: baselineValues))
        if summarizer.binMode == .quantile {
            let n = reference.count, k = summarizer.numBins
            let expected = (1..<k).map { j in reference.sorted[Swift.max(1, (2 * n * j + k) / (2 * k)) - 1] }
            let inner = baseline.edges.compactMap { $0 }
            #expect(Array(inner.dropFirst(summarizer.addOutlierEdges ? 1 : 0).prefix(k - 1)) == expected)
        }

        let windowEdgeValues = baseline.edges.compactMap { $0 }
        windowValues += windowEdgeValues + windowEdgeValues
        let window = DriftEngine.window(windowValues, baseline: baseline, summarizer: summarizer)
        let windowReference = Reference(windowValues)
        #expect(window.count == windowReference.count && window.missing == windowReference.missing)
        #expect(window.min == windowReference.min && window.max == windowReference.max)
        #expect(window.mean == windowReference.mean && window.std == windowReference.std)
        #expect(window.median == windowReference.median)
        #expect(window.counts == windowReference.counts(edges: baseline.edges, of: windowValues))
    }

    @Test func edgesOnEveryBucketBoundaryBinLikeTheBinner() {
        // Edges placed at bucket boundaries of the window's own bucketing, values on and next
        // to them: the by-bucket binning must agree with value-by-value binning.
        var generator = ArrowTestSupport.SplitMix(state: 99)
        var values = (0..<20_000).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
        let edges: [Double?] = [0.0, 1.0 / 4095, 0.25, 0.5, 0.5.nextUp, 2048.5 / 4095, 0.999, nil]
        for edge in edges.compactMap({ $0 }) { values += [edge, edge.nextDown, edge.nextUp, edge] }
        let baseline = DistributionSummary(count: 1, missing: 0, min: 0, max: 1, mean: 0, median: 0, std: 0, edges: edges,
                                           edgeNames: [], counts: [], aggregatedValues: [], aggregation: .density)
        let window = DriftEngine.window(values, baseline: baseline, summarizer: DriftSummarizer())
        #expect(window.counts == Reference(values).counts(edges: edges, of: values))
        // Unsorted hand-made edges bin value by value, as before.
        let unsorted: [Double?] = [0.0, 0.5, 0.25, 0.75, nil]
        let odd = DistributionSummary(count: 1, missing: 0, min: 0, max: 1, mean: 0, median: 0, std: 0, edges: unsorted,
                                      edgeNames: [], counts: [], aggregatedValues: [], aggregation: .density)
        let binner = DriftBinner(edges: unsorted)
        var expected = [Int](repeating: 0, count: unsorted.count)
        for x in values {
            var bin = x >= 0 ? 1 : 0
            for b in binner.bounds where b < x { bin += 1 }
            expected[bin] += 1
        }
        #expect(DriftEngine.window(values, baseline: odd, summarizer: DriftSummarizer()).counts == expected)
    }

    @Test func pairedBucketIndicesEqualOneAtATime() {
        var generator = ArrowTestSupport.SplitMix(state: 17)
        for (low, high) in [(0.0, 1.0), (-3.5, 12.25), (1e-300, 2e-300), (-1e300, 1e300), (5.0, 5.0.nextUp)] {
            let bucketing = DriftOrderStatistics.Bucketing(min: low, max: high, count: DriftOrderStatistics.bucketCount)
            var probes = [low, high, low.nextDown, high.nextUp, -Double.greatestFiniteMagnitude, .greatestFiniteMagnitude,
                          0, -0.0, (low + high) / 2]
            probes += (0..<2000).map { _ in low + (high - low) * (Double(generator.next() >> 11) * 0x1p-53 * 1.2 - 0.1) }
            for pair in stride(from: 0, to: probes.count - 1, by: 2) {
                let x = SIMD2(probes[pair], probes[pair + 1])
                let both = bucketing.indices(of: x)
                #expect(Int(both[0]) == bucketing.index(of: x[0]) && Int(both[1]) == bucketing.index(of: x[1]))
                #expect((0..<bucketing.count).contains(Int(both[0])) && (0..<bucketing.count).contains(Int(both[1])))
            }
            // Monotone: sorted values get non-decreasing buckets.
            let buckets = probes.filter(\.isFinite).sorted().map(bucketing.index(of:))
            #expect(buckets == buckets.sorted())
        }
    }
}
