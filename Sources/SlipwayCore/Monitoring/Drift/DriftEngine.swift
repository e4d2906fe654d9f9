import Foundation

/// Univariate continuous drift: summaries of a baseline and of windows binned by the baseline's
/// edges, and the metric between them. Pure functions over `[Double]`; see `DriftBinMode`,
/// `DriftAggregation`, `DriftMetric` and `DistributionSummary` for the rules.
///
/// Each summary reads the values twice: the first pass counts them, sums them, finds min and
/// max and counts them into the order-statistics buckets (over a range from a sample); the
/// second bins them, sums the deviations for the std and copies out the few buckets that hold
/// the wanted ranks (see `DriftOrderStatistics`). The values are never sorted or copied whole.
public enum DriftEngine {
    /// Summary of a baseline: edges computed from these values by the summarizer's bin mode;
    /// names `q_`/`p_`/`e_` by mode, `left_outlier`/`right_outlier` for the outlier bins.
    /// Throws for an invalid summarizer and for a baseline without a finite value.
    public static func baseline(_ values: [Double], summarizer: DriftSummarizer) throws(SlipwayError) -> DistributionSummary {
        try summarizer.validate()
        return try values.withUnsafeBufferPointer { (buffer) throws(SlipwayError) -> DistributionSummary in
            let first = DriftColumnScan.scanCounting(buffer)
            let scan = first.scan
            guard scan.count > 0 else {
                throw .badRequest("the baseline has no finite value to summarize (\(scan.missing) missing)")
            }
            let n = scan.count
            let k = summarizer.innerBinCount
            let medianRank = (n + 1) / 2
            // edges[0...k]: the left edge, then the bins' upper edges; names for edges[1...k].
            let inner: [Double]
            var names: [String]
            if summarizer.binMode == .quantile {
                // X₍round(n·j/k)₎, halves rounded up, in integers: ⌊(2nj + k) / 2k⌋, at least 1.
                // The selection also counts the values ≤ each edge, which are the bins' counts:
                // no binning pass is needed.
                let ranks = (1..<k).map { j in Swift.max(1, (2 * n * j + k) / (2 * k)) }
                let (pass, selection) = secondPass(buffer, scan: scan, histogram: first.histogram, binner: nil,
                                                   ranks: ranks + [medianRank])
                inner = [scan.min] + selection.values.prefix(k - 1) + [scan.max]
                names = (1...k).map { DriftEdgeNames.quantile($0, of: k) }
                let atMost = selection.atMost.prefix(k - 1) + [n]
                var counts = zip(atMost, [0] + atMost.dropLast()).map { $0 - $1 }
                if summarizer.addOutlierEdges { counts = [0] + counts + [0] }
                let edges = Self.edges(inner, outliers: summarizer.addOutlierEdges)
                if summarizer.addOutlierEdges {
                    names = [DriftEdgeNames.leftOutlier] + names + [DriftEdgeNames.rightOutlier]
                }
                return summary(scan: scan, pass: pass, counts: counts, median: selection.values[k - 1],
                               edges: edges, names: names, aggregation: summarizer.aggregation)
            }
            switch summarizer.binMode {
            case .quantile, .equal:
                inner = equalWidthEdges(min: scan.min, max: scan.max, bins: k)
                names = inner.dropFirst().map(DriftEdgeNames.partition)
            case .provided:
                let provided = summarizer.providedEdges ?? []
                // k + 1 edges start with the left edge; with k, the left edge is the baseline's
                // min (or the first upper edge, if the min lies above it: edges stay sorted).
                inner = provided.count == k + 1 ? provided : [Swift.min(scan.min, provided[0])] + provided
                names = inner.dropFirst().map(DriftEdgeNames.edge)
            case .none:
                inner = [scan.min, scan.max]
                names = [DriftEdgeNames.edge(scan.max)]
            }
            if summarizer.addOutlierEdges {
                names = [DriftEdgeNames.leftOutlier] + names + [DriftEdgeNames.rightOutlier]
            }
            return summarize(buffer, first: first, edges: Self.edges(inner, outliers: summarizer.addOutlierEdges),
                             names: names, aggregation: summarizer.aggregation)
        }
    }

    /// Summary of a window binned with the baseline's edges; edge names `e_<d.dde<exp>>` (and
    /// the outlier names). An empty window (or one of only NaN/inf) has count 0 and zero
    /// statistics, counts and aggregated values.
    public static func window(_ values: [Double], baseline: DistributionSummary, summarizer: DriftSummarizer) -> DistributionSummary {
        let outliers = baseline.hasOutlierBins
        let names = baseline.edges.enumerated().map { index, edge -> String in
            if outliers && index == 0 { return DriftEdgeNames.leftOutlier }
            guard let edge else { return DriftEdgeNames.rightOutlier }
            return DriftEdgeNames.edge(edge)
        }
        return values.withUnsafeBufferPointer { buffer in
            summarize(buffer, first: DriftColumnScan.scanCounting(buffer), edges: baseline.edges, names: names,
                      aggregation: summarizer.aggregation)
        }
    }

    /// The metric between the two summaries (see `DriftMetric`). Bins are compared in order; a
    /// bin one summary lacks (summaries of different summarizers) counts as empty. Bin weights
    /// of the wrong length (an unvalidated summarizer) are not applied.
    public static func score(baseline: DistributionSummary, window: DistributionSummary, summarizer: DriftSummarizer) -> DriftScore {
        let cumulative = summarizer.aggregation == .cumulative
        let b = cumulative ? baseline.cumulativeDensities : baseline.densities
        let w = cumulative ? window.cumulativeDensities : window.densities
        let bins = Swift.max(b.count, w.count)
        var scores = [Double](repeating: 0, count: bins)
        for i in 0..<bins {
            let bi = i < b.count ? b[i] : 0
            let wi = i < w.count ? w[i] : 0
            if summarizer.metric == .psi && !cumulative {
                scores[i] = psiTerm(baseline: bi, window: wi)
            } else {
                scores[i] = abs(wi - bi)
            }
        }
        if let weights = summarizer.binWeights, weights.count == bins {
            let total = weights.reduce(0, +)
            if total > 0 && total.isFinite {
                for i in 0..<bins { scores[i] *= weights[i] / total }
            }
        }
        switch summarizer.metric {
        case .psi:
            return DriftScore(score: scores.reduce(0, +), scores: scores, binIndex: nil)
        case .sumDiff:
            return DriftScore(score: scores.reduce(0, +) / 2, scores: scores, binIndex: nil)
        case .maxDiff:
            var best = 0
            for i in scores.indices where scores[i] > scores[best] { best = i }
            return DriftScore(score: scores.isEmpty ? 0 : scores[best], scores: scores,
                              binIndex: scores.isEmpty ? nil : best)
        }
    }

    /// The fraction PSI uses in place of an empty bin's 0 (keeps the log finite).
    public static let emptyBinFraction = 0.005

    /// (w − b) · ln(w / b), with 0.005 for an empty side, and 0 when both are empty.
    static func psiTerm(baseline b: Double, window w: Double) -> Double {
        if b == 0 && w == 0 { return 0 }
        let bb = b == 0 ? emptyBinFraction : b
        let ww = w == 0 ? emptyBinFraction : w
        return (ww - bb) * log(ww / bb)
    }

    /// [min, min + j·(max − min)/k for j = 1..<k, max]. The last edge is `max` itself (the
    /// formula can round below it, which would make the max a right outlier). A range too
    /// wide for a double (max − min overflows) is split as min·(1 − t) + max·t instead.
    static func equalWidthEdges(min: Double, max: Double, bins k: Int) -> [Double] {
        let width = max - min
        let interior = (1..<k).map { j -> Double in
            if width.isFinite { return min + Double(j) * width / Double(k) }
            let t = Double(j) / Double(k)
            return min * (1 - t) + max * t
        }
        return [min] + interior + [max]
    }

    /// [left edge, upper edges…, nil] with outlier bins; the upper edges alone without.
    private static func edges(_ inner: [Double], outliers: Bool) -> [Double?] {
        outliers ? inner.map { $0 } + [nil] : inner.dropFirst().map { $0 }
    }

    /// The summary of `buffer` binned by `edges`, after its first pass: the second pass bins the
    /// values, sums their deviations and copies out the median's bucket.
    private static func summarize(_ buffer: UnsafeBufferPointer<Double>,
                                  first: (scan: DriftColumnScan, histogram: DriftOrderStatistics.Histogram?),
                                  edges: [Double?], names: [String], aggregation: DriftAggregation) -> DistributionSummary {
        let scan = first.scan
        let ranks = scan.count > 0 ? [(scan.count + 1) / 2] : []
        let (pass, selection) = secondPass(buffer, scan: scan, histogram: first.histogram,
                                           binner: DriftBinner(edges: edges), ranks: ranks)
        return summary(scan: scan, pass: pass, counts: pass.counts, median: selection.values.first ?? 0, edges: edges,
                       names: names, aggregation: aggregation)
    }

    /// The second pass and the selection of `ranks`. With the first pass's bucket counts (many
    /// values, not all equal) the pass also copies out the ranks' buckets; otherwise it counts
    /// the buckets over the exact range and the selection reads the values once more (or sorts
    /// a few, or needs nothing when they are all equal).
    private static func secondPass(_ buffer: UnsafeBufferPointer<Double>, scan: DriftColumnScan,
                                   histogram: DriftOrderStatistics.Histogram?, binner: DriftBinner?,
                                   ranks: [Int]) -> (DriftPass.Result, DriftOrderStatistics.Selection) {
        if let histogram, scan.min < scan.max, !ranks.isEmpty {
            let plan = DriftOrderStatistics.Plan(ranks: ranks, histogram: histogram)
            var pass = DriftPass.run(buffer, mean: scan.mean, binner: binner, bucketing: nil, plan: plan)
            let selection = pass.gathered.withUnsafeMutableBufferPointer { plan.select(in: $0) }
            pass.gathered = []
            return (pass, selection)
        }
        let pass = DriftPass.run(buffer, mean: scan.mean, binner: binner,
                                 bucketing: ranks.isEmpty ? nil : DriftOrderStatistics.bucketing(for: scan))
        return (pass, DriftOrderStatistics.select(ranks: ranks, in: buffer, scan: scan, histogram: pass.histogram))
    }

    /// Assembles a summary: the mean and std from the first pass and the deviations, the
    /// aggregated values from the counts.
    private static func summary(scan: DriftColumnScan, pass: DriftPass.Result, counts: [Int], median: Double,
                                edges: [Double?], names: [String], aggregation: DriftAggregation) -> DistributionSummary {
        var summary = DistributionSummary(
            count: scan.count, missing: scan.missing, min: scan.min, max: scan.max, mean: scan.mean,
            median: median, std: 0, edges: edges, edgeNames: names, counts: counts, aggregatedValues: [],
            aggregation: aggregation)
        if scan.count > 0 {
            // Corrected two-pass formulas: the deviations' sum (0 but for rounding) refines the
            // mean and removes the first pass's error from the variance.
            let n = Double(scan.count)
            let variance = (pass.squaredDeviationSum - pass.deviationSum * pass.deviationSum / n) / n
            summary.std = variance > 0 ? variance.squareRoot() : 0
            // Rounding can move the refined mean a hair outside [min, max] for constant data.
            summary.mean = Swift.min(Swift.max(scan.mean + pass.deviationSum / n, scan.min), scan.max)
        }
        switch aggregation {
        case .density: summary.aggregatedValues = summary.densities
        case .cumulative: summary.aggregatedValues = summary.cumulativeDensities
        case .edges:
            let lastFinite = edges.last(where: { $0 != nil }).flatMap { $0 } ?? 0
            summary.aggregatedValues = edges.indices.map { i in
                if let edge = edges[i] { return edge }
                return summary.counts[i] > 0 ? scan.max : lastFinite
            }
        }
        return summary
    }
}
