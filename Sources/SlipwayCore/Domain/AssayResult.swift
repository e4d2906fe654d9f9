import Foundation

/// The analysis of one window of an assay: both summaries, the score per bin and in total, and
/// the status the thresholds give it. Stored for scheduled runs; interactive runs only return it.
public struct AssayResult: Sendable, Equatable, Codable {
    /// Set once stored.
    public var id: String?
    public var assayID: String
    public var workspaceID: String
    public var pipelineID: String
    /// The window's index from the assay's window origin (-1 for the baseline run).
    public var windowIndex: Int
    public var windowStart: Date
    public var windowEnd: Date
    public var analyzedAt: Date
    public var elapsed: Duration
    public var feature: InferenceFeature
    public var baselineStart: Date?
    public var baselineEnd: Date?
    public var baselineSummary: DistributionSummary
    public var windowSummary: DistributionSummary
    public var score: DriftScore
    public var status: AssayStatus
    public var warningThreshold: Double?
    public var alertThreshold: Double
    public var summarizer: DriftSummarizer

    public init(id: String? = nil, assayID: String, workspaceID: String, pipelineID: String, windowIndex: Int,
                windowStart: Date, windowEnd: Date, analyzedAt: Date, elapsed: Duration, feature: InferenceFeature,
                baselineStart: Date?, baselineEnd: Date?, baselineSummary: DistributionSummary,
                windowSummary: DistributionSummary, score: DriftScore, status: AssayStatus, warningThreshold: Double?,
                alertThreshold: Double, summarizer: DriftSummarizer) {
        self.id = id
        self.assayID = assayID
        self.workspaceID = workspaceID
        self.pipelineID = pipelineID
        self.windowIndex = windowIndex
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.analyzedAt = analyzedAt
        self.elapsed = elapsed
        self.feature = feature
        self.baselineStart = baselineStart
        self.baselineEnd = baselineEnd
        self.baselineSummary = baselineSummary
        self.windowSummary = windowSummary
        self.score = score
        self.status = status
        self.warningThreshold = warningThreshold
        self.alertThreshold = alertThreshold
        self.summarizer = summarizer
    }
}
