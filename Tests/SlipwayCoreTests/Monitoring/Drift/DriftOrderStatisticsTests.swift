import Foundation
import Testing

@testable import SlipwayCore

/// The bucketed selection and the vectorised binning against sorting and one-at-a-time
/// binning, on data large enough to take the fast paths.
@Suite struct DriftOrderStatisticsTests {
    static func data(_ kind: Int, count: Int) -> [Double] {
        var generator = ArrowTestSupport.SplitMix(state: UInt64(kind) + 11)
        return (0..<count).map { i -> Double in
            let u = Double(generator.next() >> 11) * 0x1p-53
            switch kind {
            case 0: return u * 100 - 50                                  // uniform
            case 1: return (u * 8).rounded()                             // few distinct values, many ties
            case 2: return i == 0 ? 1e300 : u                            // one huge value: one bucket holds almost all
            case 3: return exp(u * 40) * (i % 2 == 0 ? 1 : -1)            // heavy tails on both sides
            default: return i % 97 == 0 ? .nan : u                       // missing values mixed in
            }
        }
    }

    @Test(arguments: 0..<5)
    func selectionEqualsSorting(kind: Int) {
        let values = Self.data(kind, count: 50_000)
        let finite = values.filter(\.isFinite).sorted()
        let n = finite.count
        let ranks = [1, 2, n / 5, n / 2, (n + 1) / 2, n - 1, n]
        values.withUnsafeBufferPointer { buffer in
            let scan = DriftColumnScan.scan(buffer)
            #expect(scan.count == n && scan.min == finite.first && scan.max == finite.last)
            let bucketing = DriftOrderStatistics.bucketing(for: scan)
            #expect(bucketing != nil)
            let pass = DriftPass.run(buffer, mean: scan.mean, binner: nil, bucketing: bucketing)
            let selection = DriftOrderStatistics.select(ranks: ranks, in: buffer, scan: scan, histogram: pass.histogram)
            #expect(selection.values == ranks.map { finite[$0 - 1] })
            #expect(selection.atMost == selection.values.map { v in finite.filter { $0 <= v }.count })
        }
    }

    @Test(arguments: 0..<5)
    func quantileCountsEqualBinningTheValues(kind: Int) throws {
        let values = Self.data(kind, count: 30_000)
        for summarizer in [DriftSummarizer(), DriftSummarizer(numBins: 40), DriftSummarizer(numBins: 7, addOutlierEdges: false)] {
            let baseline = try DriftEngine.baseline(values, summarizer: summarizer)
            // The window pass bins value by value; the baseline's counts came from the selection.
            let rebinned = DriftEngine.window(values, baseline: baseline, summarizer: summarizer)
            #expect(rebinned.counts == baseline.counts)
            let binner = DriftBinner(edges: baseline.edges)
            var naive = [Int](repeating: 0, count: baseline.counts.count)
            for x in values where x.isFinite { naive[binner.bin(of: x)] += 1 }
            #expect(naive == baseline.counts)
        }
    }

    @Test func binarySearchBinningMatchesLinearCounting() {
        var generator = ArrowTestSupport.SplitMix(state: 3)
        let bounds = (0..<37).map { _ in Double(generator.next() % 50) }.sorted()
        bounds.withUnsafeBufferPointer { buffer in
            for x in stride(from: -1.0, through: 51, by: 0.5) {
                #expect(DriftBinner.countBelow(x, in: buffer) == bounds.filter { $0 < x }.count)
            }
        }
    }

    @Test func quickselectFindsEveryIndex() {
        var generator = ArrowTestSupport.SplitMix(state: 5)
        let values = (0..<300).map { _ in Double(generator.next() % 40) }
        let sorted = values.sorted()
        for index in values.indices {
            var copy = values
            let found = copy.withUnsafeMutableBufferPointer { DriftOrderStatistics.quickselect($0, index: index) }
            #expect(found == sorted[index])
        }
    }
}
