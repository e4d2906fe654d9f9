import Foundation
import Testing

@testable import SlipwayCore

/// Bin modes, outlier bins, aggregations, weights and the awkward inputs (empty, NaN/inf, a
/// single value) of the drift engine.
@Suite struct DriftEngineModesTests {
    /// 0, 1, …, 10 in a scrambled order.
    let zeroToTen: [Double] = [7, 3, 10, 0, 5, 1, 9, 2, 8, 4, 6]

    @Test func equalModeSplitsTheRangeEvenlyWithPNames() throws {
        let summarizer = DriftSummarizer(binMode: .equal)
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        #expect(baseline.edges == [0, 2, 4, 6, 8, 10, nil])
        #expect(baseline.edgeNames == ["left_outlier", "p_2.00e0", "p_4.00e0", "p_6.00e0", "p_8.00e0", "p_1.00e1", "right_outlier"])
        // Bin 1 is [0, 2] (it takes the left edge), the others (e_{j−1}, e_j].
        #expect(baseline.counts == [0, 3, 2, 2, 2, 2, 0])
        let window = DriftEngine.window([-1, 0, 2, 2.5, 10, 11], baseline: baseline, summarizer: summarizer)
        #expect(window.counts == [1, 2, 1, 0, 0, 1, 1])
        #expect(window.edgeNames[1] == "e_2.00e0")
    }

    @Test func equalModeLastEdgeIsTheMaxExactly() throws {
        // min + 5·(max − min)/5 can round away from max; the last edge is max itself.
        let values = [0.1, 0.7, 0.3]
        let baseline = try DriftEngine.baseline(values, summarizer: DriftSummarizer(binMode: .equal))
        #expect(baseline.edges[5] == 0.7)
        #expect(baseline.counts[6] == 0)
    }

    @Test func providedEdgesWithALeftEdge() throws {
        let summarizer = DriftSummarizer(binMode: .provided, providedEdges: [11, 12, 13, 14, 15, 16])
        let baseline = try DriftEngine.baseline([10.5, 11, 11.5, 12, 12.5, 16, 17], summarizer: summarizer)
        #expect(baseline.edges == [11, 12, 13, 14, 15, 16, nil])
        #expect(baseline.edgeNames == ["left_outlier", "e_1.20e1", "e_1.30e1", "e_1.40e1", "e_1.50e1", "e_1.60e1", "right_outlier"])
        #expect(baseline.counts == [1, 3, 1, 0, 0, 1, 1])
    }

    @Test func providedUpperEdgesOnlyTakeTheBaselineMinAsLeftEdge() throws {
        let summarizer = DriftSummarizer(binMode: .provided, providedEdges: [12, 13, 14, 15, 16])
        let baseline = try DriftEngine.baseline([11.25, 12.5, 15.5], summarizer: summarizer)
        #expect(baseline.edges == [11.25, 12, 13, 14, 15, 16, nil])
        #expect(baseline.counts == [0, 1, 1, 0, 0, 1, 0])
        // A min above the first upper edge: the left edge is that upper edge, edges stay sorted.
        let high = try DriftEngine.baseline([12.5, 15.5], summarizer: summarizer)
        #expect(high.edges[0] == 12)
        #expect(high.counts == [0, 0, 1, 0, 0, 1, 0])
    }

    @Test func noneModeIsOneBinOverTheBaselineRange() throws {
        let summarizer = DriftSummarizer(binMode: .none)
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        #expect(baseline.edges == [0, 10, nil])
        #expect(baseline.edgeNames == ["left_outlier", "e_1.00e1", "right_outlier"])
        #expect(baseline.counts == [0, 11, 0])
        let report = try DriftEngine.feature(baseline: zeroToTen, window: [5, 6, 20, 30], summarizer: summarizer)
        #expect(report.window.counts == [0, 2, 2])
        #expect(report.score.score > 0)
    }

    @Test func withoutOutlierEdgesTheEndBinsAreOpen() throws {
        let summarizer = DriftSummarizer(binMode: .equal, addOutlierEdges: false)
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        #expect(baseline.edges == [2, 4, 6, 8, 10])
        #expect(baseline.edgeNames == ["p_2.00e0", "p_4.00e0", "p_6.00e0", "p_8.00e0", "p_1.00e1"])
        #expect(!baseline.hasOutlierBins)
        #expect(baseline.counts == [3, 2, 2, 2, 2])
        let window = DriftEngine.window([-50, 1, 9, 50], baseline: baseline, summarizer: summarizer)
        #expect(window.counts == [2, 0, 0, 0, 2])
        #expect(window.edgeNames == ["e_2.00e0", "e_4.00e0", "e_6.00e0", "e_8.00e0", "e_1.00e1"])
        let quantile = try DriftEngine.baseline(zeroToTen, summarizer: DriftSummarizer(addOutlierEdges: false))
        #expect(quantile.edgeNames == ["q_20", "q_40", "q_60", "q_80", "q_100"])
        #expect(quantile.counts.reduce(0, +) == 11)
    }

    @Test func emptyWindowHasZeroStatisticsAndAFiniteScore() throws {
        let summarizer = DriftSummarizer()
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        let window = DriftEngine.window([], baseline: baseline, summarizer: summarizer)
        #expect(window.count == 0 && window.missing == 0)
        #expect([window.min, window.max, window.mean, window.median, window.std] == [0, 0, 0, 0, 0])
        #expect(window.counts == [0, 0, 0, 0, 0, 0, 0])
        #expect(window.aggregatedValues == [0, 0, 0, 0, 0, 0, 0])
        #expect(window.edgeNames.count == 7)
        let score = DriftEngine.score(baseline: baseline, window: window, summarizer: summarizer)
        // Every baseline bin against 0.005; the empty outlier bins on both sides score 0.
        #expect(score.score.isFinite && score.score > 0)
        #expect(score.scores[0] == 0 && score.scores[6] == 0)
        let b1 = Double(baseline.counts[1]) / 11
        #expect(score.scores[1] == (0.005 - b1) * log(0.005 / b1))
        // The same for a window of only NaN and inf: all missing, nothing binned.
        let invalid = DriftEngine.window([.nan, .infinity, -.infinity], baseline: baseline, summarizer: summarizer)
        #expect(invalid.count == 0 && invalid.missing == 3)
        #expect(invalid.counts == window.counts)
    }

    @Test func nanAndInfinityAreCountedMissingAndNeverBinned() throws {
        let summarizer = DriftSummarizer(binMode: .equal)
        let clean = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        let dirty = try DriftEngine.baseline([.nan] + zeroToTen + [.infinity, -.infinity, .nan], summarizer: summarizer)
        #expect(dirty.missing == 4)
        #expect(dirty.count == 11)
        #expect(dirty.counts == clean.counts)
        #expect(dirty.edges == clean.edges)
        #expect(dirty.mean == clean.mean && dirty.std == clean.std && dirty.median == clean.median)
        let window = DriftEngine.window([1, .nan, 3, .infinity], baseline: clean, summarizer: summarizer)
        #expect(window.count == 2 && window.missing == 2)
        #expect(window.counts.reduce(0, +) == 2)
        #expect(window.mean == 2)
    }

    @Test func baselineWithoutAFiniteValueIsRefused() {
        expectBadRequest("no finite value") { _ = try DriftEngine.baseline([], summarizer: DriftSummarizer()) }
        expectBadRequest("3 missing") { _ = try DriftEngine.baseline([.nan, .nan, .infinity], summarizer: DriftSummarizer()) }
    }

    @Test(arguments: [DriftBinMode.quantile, .equal, .none])
    func singleValueBaselineKeepsEverythingInTheFirstBin(mode: DriftBinMode) throws {
        let summarizer = DriftSummarizer(binMode: mode)
        let values = [Double](repeating: 3.5, count: 5000)
        let baseline = try DriftEngine.baseline(values, summarizer: summarizer)
        #expect(baseline.edges.compactMap { $0 }.allSatisfy { $0 == 3.5 })
        #expect(baseline.counts[1] == 5000 && baseline.counts.reduce(0, +) == 5000)
        #expect(baseline.median == 3.5 && baseline.std == 0 && baseline.mean == 3.5)
        let same = DriftEngine.window([3.5, 3.5], baseline: baseline, summarizer: summarizer)
        #expect(DriftEngine.score(baseline: baseline, window: same, summarizer: summarizer).score == 0)
        let moved = DriftEngine.window([3.5, 2, 9, 9], baseline: baseline, summarizer: summarizer)
        #expect(moved.counts.first == 1 && moved.counts.last == 2 && moved.counts[1] == 1)
        #expect(DriftEngine.score(baseline: baseline, window: moved, summarizer: summarizer).score > 0.5)
    }

    @Test func medianIsAnOrderStatisticForEvenCounts() throws {
        let summarizer = DriftSummarizer()
        #expect(try DriftEngine.baseline([4, 1, 3, 2], summarizer: summarizer).median == 2)
        #expect(try DriftEngine.baseline([5, 1, 3, 2, 4], summarizer: summarizer).median == 3)
        #expect(try DriftEngine.baseline([7], summarizer: summarizer).median == 7)
    }

    @Test func quantileRanksRoundHalvesUpAndNeverFallBelowOne() throws {
        // n = 2, k = 5: ranks round(0.4) = 0 → 1, round(0.8) = 1, round(1.2) = 1, round(1.6) = 2.
        let baseline = try DriftEngine.baseline([20, 10], summarizer: DriftSummarizer())
        #expect(baseline.edges == [10, 10, 10, 10, 20, 20, nil])
        #expect(baseline.counts == [0, 1, 0, 0, 1, 0, 0])
        // n = 10, k = 4: round(2.5) = 3, round(5) = 5, round(7.5) = 8.
        let ten = try DriftEngine.baseline((1...10).map(Double.init).reversed(), summarizer: DriftSummarizer(numBins: 4))
        #expect(ten.edges == [1, 3, 5, 8, 10, nil])
        #expect(ten.edgeNames == ["left_outlier", "q_25", "q_50", "q_75", "q_100", "right_outlier"])
        #expect(ten.counts == [0, 3, 2, 3, 2, 0])
    }

    @Test func cumulativeAggregationIsTheEmpiricalCDFAndScoresItsDifferences() throws {
        let summarizer = DriftSummarizer(aggregation: .cumulative)
        let baseline = try DriftEngine.baseline(DriftEngineReferenceTests.baselineValues, summarizer: summarizer)
        #expect(baseline.aggregation == .cumulative)
        #expect(baseline.aggregatedValues.last == 1)
        #expect(baseline.aggregatedValues == baseline.aggregatedValues.sorted())
        #expect(abs(baseline.aggregatedValues[3] - 109.0 / 181) < 1e-15)
        let window = DriftEngine.window(DriftEngineReferenceTests.windowValues, baseline: baseline, summarizer: summarizer)
        let score = DriftEngine.score(baseline: baseline, window: window, summarizer: summarizer)
        let expected = zip(baseline.aggregatedValues, window.aggregatedValues).map { abs($1 - $0) }
        #expect(score.scores == expected)
        #expect(score.score == expected.reduce(0, +))
        #expect(score.scores[6] == 0)
    }

    @Test func edgesAggregationReportsTheEdges() throws {
        let summarizer = DriftSummarizer(binMode: .equal, aggregation: .edges)
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: summarizer)
        #expect(baseline.aggregatedValues == [0, 2, 4, 6, 8, 10, 10])
        let window = DriftEngine.window([1, 12.5], baseline: baseline, summarizer: summarizer)
        #expect(window.aggregatedValues == [0, 2, 4, 6, 8, 10, 12.5])
        // The score still compares the densities.
        let density = DriftSummarizer(binMode: .equal)
        let b = try DriftEngine.baseline(zeroToTen, summarizer: density)
        let w = DriftEngine.window([1, 12.5], baseline: b, summarizer: density)
        #expect(DriftEngine.score(baseline: baseline, window: window, summarizer: summarizer)
                == DriftEngine.score(baseline: b, window: w, summarizer: density))
    }

    @Test func binWeightsAreNormalisedAndScaleEachBinScore() throws {
        let values = DriftEngineReferenceTests.baselineValues
        let window = DriftEngineReferenceTests.windowValues
        let plain = try DriftEngine.feature(baseline: values, window: window, summarizer: DriftSummarizer())
        let weights = [0.0, 0, 0, 2, 2, 2, 2]
        let weighted = try DriftEngine.feature(baseline: values, window: window,
                                               summarizer: DriftSummarizer(binWeights: weights))
        for i in 0..<7 { #expect(weighted.score.scores[i] == plain.score.scores[i] * (weights[i] / 8)) }
        #expect(weighted.score.score == weighted.score.scores.reduce(0, +))
        #expect(abs(weighted.score.score - (plain.score.scores[3...].reduce(0, +)) / 4) < 1e-15)
        // MaxDiff picks the arg-max of the weighted scores.
        let max = try DriftEngine.feature(baseline: values, window: window,
                                          summarizer: DriftSummarizer(metric: .maxDiff, binWeights: [1, 1, 1, 0, 1, 1, 1]))
        #expect(max.score.binIndex == 1)
        #expect(max.score.score == abs(31.0 / 182 - 36.0 / 181) * (1.0 / 6))
    }

    /// Wallaroo's model-insights tutorial prints, for bins of 182 baseline and 181 window
    /// values, the scores of three metrics and of Cumulative aggregation: the engine's
    /// formulas reproduce its totals from those counts.
    @Test func scoresMatchWallaroosTutorialPrintouts() {
        func summary(_ counts: [Int], _ aggregation: DriftAggregation = .density) -> DistributionSummary {
            DistributionSummary(count: counts.reduce(0, +), missing: 0, min: 0, max: 0, mean: 0, median: 0, std: 0,
                                edges: [0, 1, 2, 3, 4, 5, nil], edgeNames: [], counts: counts, aggregatedValues: [],
                                aggregation: aggregation)
        }
        let b = summary([0, 36, 37, 36, 37, 36, 0]), w = summary([0, 34, 38, 33, 38, 38, 0])
        #expect(DriftEngine.score(baseline: b, window: w, summarizer: DriftSummarizer()).score == 0.0029273068646199748)
        #expect(DriftEngine.score(baseline: b, window: w, summarizer: DriftSummarizer(metric: .sumDiff)).score
                == 0.025438649748041997)
        let max = DriftEngine.score(baseline: b, window: w, summarizer: DriftSummarizer(metric: .maxDiff))
        #expect(max.score == 0.01548175581324751 && max.binIndex == 3)
        #expect(DriftEngine.score(baseline: b, window: w, summarizer: DriftSummarizer(aggregation: .cumulative)).score
                == 0.04419889502762442)
    }

    @Test func summariesRoundTripThroughJSON() throws {
        let baseline = try DriftEngine.baseline(zeroToTen, summarizer: DriftSummarizer())
        let data = try JSONEncoder().encode(baseline)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("null"))
        #expect(try JSONDecoder().decode(DistributionSummary.self, from: data) == baseline)
    }
}
