import Foundation
import Testing

@testable import SlipwayCore

/// The drift engine against the Wallaroo reference's test vectors (§11.4): a baseline of 181
/// values and a window of 182 built so that the reference's printed edges, min, max and
/// medians are data points and the bins hold the reference's counts.
@Suite struct DriftEngineReferenceTests {
    static let edges = [12.002464294433594, 12.525982856750488, 12.772802352905272, 12.960931777954102,
                        13.246906280517578, 14.095687866210938]
    static let baselineMedian = 12.862584114074709
    static let windowMin = 12.037200927734377
    static let windowMax = 14.712774276733398
    static let windowMedian = 12.895143508911133

    /// Values strictly increasing from `from` to `to`, both included, `count` of them.
    static func ramp(_ from: Double, _ to: Double, count: Int) -> [Double] {
        (0..<count).map { from + (to - from) * Double($0) / Double(count - 1) }
    }

    /// `count` values strictly between `from` and `to`.
    static func inside(_ from: Double, _ to: Double, count: Int) -> [Double] {
        (1...count).map { from + (to - from) * Double($0) / Double(count + 1) }
    }

    /// A fixed shuffle, so the engine never sees the values in order.
    static func shuffled(_ values: [Double]) -> [Double] {
        var generator = ArrowTestSupport.SplitMix(state: 7)
        return values.shuffled(using: &generator)
    }

    /// 181 values: X₍1₎ = min, X₍36₎, X₍72₎, X₍109₎, X₍145₎ = the printed edges, X₍91₎ = the
    /// printed median, X₍181₎ = max; the others in between.
    static var baselineValues: [Double] {
        let e = edges
        var sorted = [e[0]] + inside(e[0], e[1], count: 34) + [e[1]]            // ranks 1...36
        sorted += inside(e[1], e[2], count: 35) + [e[2]]                          // 37...72
        sorted += inside(e[2], baselineMedian, count: 18) + [baselineMedian]      // 73...91
        sorted += inside(baselineMedian, e[3], count: 17) + [e[3]]                // 92...109
        sorted += inside(e[3], e[4], count: 35) + [e[4]]                          // 110...145
        sorted += inside(e[4], e[5], count: 35) + [e[5]]                          // 146...181
        precondition(sorted.count == 181 && sorted == sorted.sorted())
        return shuffled(sorted)
    }

    /// 182 values: 0, 31, 32, 43, 36, 36, 4 per bin of the baseline's edges (each bin's top
    /// value on its edge), min, max and median (X₍91₎) as printed.
    static var windowValues: [Double] {
        let e = edges
        var sorted = [windowMin] + inside(windowMin, e[1], count: 29) + [e[1]]   // 31
        sorted += inside(e[1], e[2], count: 31) + [e[2]]                          // 32
        sorted += inside(e[2], windowMedian, count: 27) + [windowMedian]          // rank 91 = 31 + 32 + 28
        sorted += inside(windowMedian, e[3], count: 14) + [e[3]]                  // 43 in all
        sorted += inside(e[3], e[4], count: 35) + [e[4]]                          // 36
        sorted += inside(e[4], e[5], count: 35) + [e[5]]                          // 36
        sorted += inside(e[5], windowMax, count: 3) + [windowMax]                 // 4 right outliers
        precondition(sorted.count == 182 && sorted == sorted.sorted())
        return shuffled(sorted)
    }

    let summarizer = DriftSummarizer()

    @Test func baselineSummaryHasTheReferenceEdgesCountsAndNames() throws {
        let baseline = try DriftEngine.baseline(Self.baselineValues, summarizer: summarizer)
        #expect(baseline.count == 181)
        #expect(baseline.missing == 0)
        #expect(baseline.min == 12.002464294433594)
        #expect(baseline.max == 14.095687866210938)
        #expect(baseline.median == Self.baselineMedian)
        #expect(baseline.edges == Self.edges.map { $0 } + [nil])
        #expect(baseline.edgeNames == ["left_outlier", "q_20", "q_40", "q_60", "q_80", "q_100", "right_outlier"])
        #expect(baseline.counts == [0, 36, 36, 37, 36, 36, 0])
        let printed = [0.0, 0.19889502762430936, 0.19889502762430936, 0.20441988950276244,
                       0.19889502762430936, 0.19889502762430936, 0.0]
        for (value, expected) in zip(baseline.aggregatedValues, printed) { #expect(abs(value - expected) < 1e-12) }
        #expect(baseline.aggregation == .density)
    }

    @Test func windowSummaryUsesTheBaselineEdgesWithENames() throws {
        let baseline = try DriftEngine.baseline(Self.baselineValues, summarizer: summarizer)
        let window = DriftEngine.window(Self.windowValues, baseline: baseline, summarizer: summarizer)
        #expect(window.count == 182)
        #expect(window.min == Self.windowMin)
        #expect(window.max == Self.windowMax)
        #expect(window.median == Self.windowMedian)
        #expect(window.edges == baseline.edges)
        #expect(window.edgeNames == ["left_outlier", "e_1.25e1", "e_1.28e1", "e_1.30e1", "e_1.32e1", "e_1.41e1", "right_outlier"])
        #expect(window.counts == [0, 31, 32, 43, 36, 36, 4])
        let printed = [0.0, 0.17032967032967034, 0.17582417582417584, 0.23626373626373623,
                       0.1978021978021978, 0.1978021978021978, 0.02197802197802198]
        for (value, expected) in zip(window.aggregatedValues, printed) { #expect(abs(value - expected) < 1e-12) }
    }

    @Test func psiReproducesTheSevenScoresAndTheTotalBitExactly() throws {
        let report = try DriftEngine.feature(baseline: Self.baselineValues, window: Self.windowValues, summarizer: summarizer)
        #expect(report.score.scores == [0.0, 0.0044288126945783235, 0.00284446741288289, 0.004610114809454446,
                                        6.021116179797982e-06, 6.021116179797982e-06, 0.02513774491992636])
        #expect(report.score.score == 0.037033182069201614)
        #expect(report.score.binIndex == nil)
    }

    @Test func baselineAgainstItselfScoresZero() throws {
        let baseline = try DriftEngine.baseline(Self.baselineValues, summarizer: summarizer)
        let window = DriftEngine.window(Self.baselineValues, baseline: baseline, summarizer: summarizer)
        let score = DriftEngine.score(baseline: baseline, window: window, summarizer: summarizer)
        #expect(score.score == 0)
        #expect(score.scores == [Double](repeating: 0, count: 7))
    }

    @Test func maxDiffAndSumDiff() throws {
        var maxDiff = summarizer
        maxDiff.metric = .maxDiff
        let max = try DriftEngine.feature(baseline: Self.baselineValues, window: Self.windowValues, summarizer: maxDiff)
        #expect(max.score.score == 0.03184384676097382)
        #expect(max.score.binIndex == 3)

        var sumDiff = summarizer
        sumDiff.metric = .sumDiff
        let sum = try DriftEngine.feature(baseline: Self.baselineValues, window: Self.windowValues, summarizer: sumDiff)
        // Σ|w − b| in bin order is the reference's 0.10764373747799158; the score is half of it
        // (see DriftMetric.sumDiff).
        #expect(sum.score.scores.reduce(0, +) == 0.10764373747799158)
        #expect(sum.score.score == 0.10764373747799158 / 2)
        #expect(sum.score.binIndex == nil)
    }

    @Test func meanAndPopulationStdMatchANaiveComputation() throws {
        for values in [Self.baselineValues, Self.windowValues] {
            let baseline = try DriftEngine.baseline(values, summarizer: summarizer)
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
            #expect(abs(baseline.mean - mean) < 1e-12)
            #expect(abs(baseline.std - variance.squareRoot()) < 1e-12)
        }
    }
}
