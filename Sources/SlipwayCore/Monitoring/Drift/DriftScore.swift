import Foundation

/// The metric between a baseline and a window summary.
public struct DriftScore: Sendable, Equatable, Codable {
    /// The metric's value (see `DriftMetric` for how per-bin scores combine).
    public var score: Double
    /// One weighted score per bin, in bin order (outlier bins included when present).
    public var scores: [Double]
    /// For `MaxDiff`, the 0-based bin of the largest score (the first one on ties); nil otherwise.
    public var binIndex: Int?

    public init(score: Double, scores: [Double], binIndex: Int?) {
        self.score = score
        self.scores = scores
        self.binIndex = binIndex
    }
}
