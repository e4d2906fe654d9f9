import Foundation

/// What a distribution summary reports per bin (`aggregatedValues`).
///
/// - `density`: count_i / n, the histogram as fractions (they sum to 1 over all bins).
/// - `cumulative`: the empirical CDF at each bin's upper edge, cumulative count_i / n (the
///   exactly rounded running sum of the densities; the last bin is exactly 1).
/// - `edges`: the bins' upper edges; the unbounded right-outlier bin reports the largest value
///   that fell in it, or the last finite edge when it is empty (JSON has no +inf).
public enum DriftAggregation: String, Sendable, Codable, CaseIterable {
    case density = "Density"
    case cumulative = "Cumulative"
    case edges = "Edges"
}
