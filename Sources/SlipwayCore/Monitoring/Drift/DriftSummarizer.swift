import Foundation

/// How a univariate continuous feature is binned, aggregated and scored for drift.
///
/// `numBins` is k, the number of bins between the baseline's left and right edges (5 to 14 is
/// the recommended range; 1…1000 is accepted). With `addOutlierEdges` two more bins catch the
/// values below the left edge (`left_outlier`) and above the right edge (`right_outlier`);
/// without them the first and last bins are open-ended.
public struct DriftSummarizer: Sendable, Equatable, Codable {
    public var binMode: DriftBinMode
    public var aggregation: DriftAggregation
    public var metric: DriftMetric
    public var numBins: Int
    /// One weight per bin (outlier bins included when present); normalised to sum 1 before use.
    public var binWeights: [Double]?
    /// `Provided` mode only: k right-hand (upper) edges, or the left edge followed by them (k + 1).
    /// With k edges the left edge is the baseline's min. Other modes ignore this field.
    public var providedEdges: [Double]?
    public var addOutlierEdges: Bool

    /// The largest `numBins` accepted: beyond it bins hold too few values to mean anything.
    public static let maxBins = 1000

    public init(binMode: DriftBinMode = .quantile, aggregation: DriftAggregation = .density,
                metric: DriftMetric = .psi, numBins: Int = 5, binWeights: [Double]? = nil,
                providedEdges: [Double]? = nil, addOutlierEdges: Bool = true) {
        self.binMode = binMode
        self.aggregation = aggregation
        self.metric = metric
        self.numBins = numBins
        self.binWeights = binWeights
        self.providedEdges = providedEdges
        self.addOutlierEdges = addOutlierEdges
    }

    /// Bins between the left and right edges: `numBins`, except 1 in `None` mode.
    public var innerBinCount: Int { binMode == .none ? 1 : numBins }

    /// Bins of every summary this summarizer makes (outlier bins included).
    public var binCount: Int { innerBinCount + (addOutlierEdges ? 2 : 0) }

    /// Checks the settings before any data is binned.
    public func validate() throws(SlipwayError) {
        guard (1...Self.maxBins).contains(numBins) else {
            throw .badRequest("num_bins must be between 1 and \(Self.maxBins) (5 to 14 is recommended), got \(numBins)")
        }
        if let weights = binWeights {
            let outliers = addOutlierEdges ? " (\(innerBinCount) bins and the two outlier bins)" : ""
            guard weights.count == binCount else {
                throw .badRequest("bin_weights must have \(binCount) entries\(outliers), got \(weights.count)")
            }
            guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .badRequest("bin_weights must be finite and non-negative")
            }
            guard weights.contains(where: { $0 > 0 }) else {
                throw .badRequest("bin_weights must not all be zero")
            }
        }
        if binMode == .provided {
            guard let edges = providedEdges else {
                throw .badRequest("bin mode Provided needs provided_edges")
            }
            guard edges.count == numBins || edges.count == numBins + 1 else {
                throw .badRequest("provided_edges must have num_bins (\(numBins)) or num_bins + 1 (\(numBins + 1)) entries, got \(edges.count)")
            }
            guard edges.allSatisfy(\.isFinite) else {
                throw .badRequest("provided_edges must be finite numbers")
            }
            guard zip(edges, edges.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                throw .badRequest("provided_edges must be sorted in increasing order")
            }
        }
    }
}
