import Foundation

/// A univariate continuous feature's statistics and bins, for a baseline or a window.
///
/// Statistics are over the finite values only. An empty set (count 0) reports min, max, mean,
/// median and std as 0 (JSON has no NaN), zero counts and zero aggregated values.
/// `median` is the order statistic X₍round(n/2)₎ (1-based, halves rounded up): the middle value
/// for odd n, the lower of the two middle values for even n, always a data value.
/// `std` is the population standard deviation (divisor n), like numpy's default.
public struct DistributionSummary: Sendable, Equatable, Codable {
    /// Values binned (the finite ones).
    public var count: Int
    /// NaN and ±inf values counted out, never binned; callers add absent values to it.
    public var missing: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    public var median: Double
    public var std: Double
    /// Bin upper bounds, in bin order; nil stands for +inf (the right-outlier bin). With outlier
    /// bins, edges[0] is the left edge (the left-outlier bin holds x < edges[0]) and the last
    /// entry is nil; without them, the last bin also takes every value above its edge.
    public var edges: [Double?]
    public var edgeNames: [String]
    public var counts: [Int]
    public var aggregatedValues: [Double]
    public var aggregation: DriftAggregation

    public init(count: Int, missing: Int, min: Double, max: Double, mean: Double, median: Double,
                std: Double, edges: [Double?], edgeNames: [String], counts: [Int],
                aggregatedValues: [Double], aggregation: DriftAggregation) {
        self.count = count
        self.missing = missing
        self.min = min
        self.max = max
        self.mean = mean
        self.median = median
        self.std = std
        self.edges = edges
        self.edgeNames = edgeNames
        self.counts = counts
        self.aggregatedValues = aggregatedValues
        self.aggregation = aggregation
    }

    /// Whether the first and last bins are the left- and right-outlier bins.
    public var hasOutlierBins: Bool { edges.last.map { $0 == nil } ?? false }

    /// count_i / n per bin (all 0 when the set is empty).
    public var densities: [Double] {
        guard count > 0 else { return counts.map { _ in 0 } }
        let n = Double(count)
        return counts.map { Double($0) / n }
    }

    /// Cumulative count_i / n per bin: the empirical CDF at each upper edge (all 0 when empty).
    public var cumulativeDensities: [Double] {
        guard count > 0 else { return counts.map { _ in 0 } }
        let n = Double(count)
        var running = 0
        return counts.map { running += $0; return Double(running) / n }
    }
}
