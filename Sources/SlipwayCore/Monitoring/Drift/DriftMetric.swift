import Foundation

/// The distance between a baseline's and a window's binned distributions.
///
/// Per-bin scores are computed on the densities (Density and Edges aggregation) or on the
/// cumulative values (Cumulative aggregation), then multiplied by the normalised bin weights:
/// - `psi`: score_i = (w_i − b_i) · ln(w_i / b_i), with 0.005 standing for an empty bin (0 when
///   both are empty); the score is Σ score_i in bin order. On cumulative values the log ratio
///   is not a distance, and Wallaroo scores them by |w_i − b_i| summed (its model-insights
///   tutorial prints such scores, summing to 8/181): Slipway does the same.
/// - `maxDiff`: score_i = |w_i − b_i|; the score is the largest, `binIndex` its bin.
/// - `sumDiff`: score_i = |w_i − b_i|; the score is ½ Σ score_i (the total variation distance),
///   which is what Wallaroo prints: its tutorial's SumDiff score 0.025438649748041997 is half the
///   sum of the per-bin scores it lists alongside.
public enum DriftMetric: String, Sendable, Codable, CaseIterable {
    case psi = "PSI"
    case maxDiff = "MaxDiff"
    case sumDiff = "SumDiff"
}
