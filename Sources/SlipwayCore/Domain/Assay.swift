import Foundation

/// A drift check on one feature of a model pipeline's inferences: a baseline, windows, how
/// values are summarised and scored, and the thresholds that make a window a warning or an
/// alert. An active assay is analysed on schedule, every closed window once.
public struct Assay: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var pipelineID: String
    public var name: String
    public var isActive: Bool
    public var feature: InferenceFeature
    public var baseline: AssayBaseline
    public var window: AssayWindowSpec
    public var summarizer: DriftSummarizer
    public var warningThreshold: Double?
    public var alertThreshold: Double
    /// No window ending after this is analysed.
    public var runUntil: Date?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    /// When the scheduler last analysed windows of it.
    public var lastRunAt: Date?
    /// Windows before this index are analysed (the scheduler's position, claimed with each result).
    public var analyzedWindows: Int
    /// The creating request as the client sent it, so that its API can echo it unchanged.
    public var clientDocument: JSONValue?

    public static let maximumNameBytes = 255

    public init(id: String, workspaceID: String, pipelineID: String, name: String, isActive: Bool, feature: InferenceFeature,
                baseline: AssayBaseline, window: AssayWindowSpec, summarizer: DriftSummarizer, warningThreshold: Double?,
                alertThreshold: Double, runUntil: Date?, createdAt: Date, createdBy: String, updatedAt: Date? = nil,
                lastRunAt: Date? = nil, analyzedWindows: Int = 0, clientDocument: JSONValue? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.pipelineID = pipelineID
        self.name = name
        self.isActive = isActive
        self.feature = feature
        self.baseline = baseline
        self.window = window
        self.summarizer = summarizer
        self.warningThreshold = warningThreshold
        self.alertThreshold = alertThreshold
        self.runUntil = runUntil
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
        self.lastRunAt = lastRunAt
        self.analyzedWindows = analyzedWindows
        self.clientDocument = clientDocument
    }

    public func validate() throws(SlipwayError) {
        guard NameRules.isPrintableLabel(name, maximumBytes: Self.maximumNameBytes) else {
            throw .badRequest("assay name must be 1 to \(Self.maximumNameBytes) bytes without control characters")
        }
        try feature.validate()
        try baseline.validate()
        try window.validate()
        try summarizer.validate()
        guard alertThreshold.isFinite, alertThreshold >= 0 else {
            throw .badRequest("alert threshold must be a number at or above 0")
        }
        if let warningThreshold {
            guard warningThreshold.isFinite, warningThreshold >= 0, warningThreshold <= alertThreshold else {
                throw .badRequest("warning threshold must be a number between 0 and the alert threshold")
            }
        }
        if let runUntil, !runUntil.timeIntervalSince1970.isFinite { throw .badRequest("run_until must be a valid date") }
        if window.start == nil, baseline.end == nil {
            throw .badRequest("a window start is needed when the baseline is a list of values")
        }
    }

    /// Where the first window starts: the window's own start, else the baseline's end.
    public var windowOrigin: Date { window.start ?? baseline.end ?? createdAt }

    /// The windows that have closed by `now` (and end by `runUntil`), as indices from `windowOrigin`.
    public func closedWindows(at now: Date) -> Range<Int> {
        var limit = window.firstOpenWindow(at: now, origin: windowOrigin)
        if let runUntil { limit = min(limit, window.firstOpenWindow(at: runUntil, origin: windowOrigin)) }
        return 0..<max(0, limit)
    }
}
