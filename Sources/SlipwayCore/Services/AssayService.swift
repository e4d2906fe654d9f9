import Foundation

/// Drift checks on model pipelines: creating and listing assays, running them interactively
/// (nothing stored), and the scheduled analysis of every closed window of the active ones
/// (``AssayService/runDue()``, driven by the scheduler). Values come from the record store's
/// per-feature columns; the maths is `DriftEngine`'s.
public struct AssayService: Sendable {
    let platform: Platform
    let models: ModelRegistryService
    let modelPipelines: ModelPipelineService

    /// Windows one interactive run looks at, and windows the scheduler analyses per assay and tick.
    public static let maximumInteractiveWindows = 10_000
    public static let maximumScheduledWindows = 500
    public static let maximumResultsPage = 1000

    public init(platform: Platform, models: ModelRegistryService, modelPipelines: ModelPipelineService) {
        self.platform = platform
        self.models = models
        self.modelPipelines = modelPipelines
    }

    // MARK: - Assays

    /// Stores a new assay after checking it and that its pipeline is in its workspace.
    public func create(_ assay: Assay) async throws -> Assay {
        try assay.validate()
        _ = try await modelPipelines.pipeline(id: assay.pipelineID, workspaceID: assay.workspaceID)
        try await platform.store.insertAssay(assay)
        return assay
    }

    /// The pipeline's assays, newest first.
    public func assays(pipelineID: String) async throws -> [Assay] {
        try await platform.store.assays(pipelineID: pipelineID)
    }

    /// The assay with this id, in whatever workspace (the caller checks access).
    public func assay(id: String) async throws -> Assay {
        guard let assay = try await platform.store.assay(id: id) else {
            throw SlipwayError.notFound("assay", NameRules.printable(id))
        }
        return assay
    }

    public func setActive(_ assay: Assay, active: Bool) async throws -> Assay {
        let now = platform.now()
        guard try await platform.store.setAssayActive(id: assay.id, active: active, at: now) else {
            throw SlipwayError.notFound("assay", assay.id)
        }
        var changed = assay
        changed.isActive = active
        changed.updatedAt = now
        return changed
    }

    public func results(of assay: Assay, start: Date?, end: Date?, limit: Int) async throws -> [AssayResult] {
        guard (1...Self.maximumResultsPage).contains(limit) else {
            throw SlipwayError.badRequest("limit must be between 1 and \(Self.maximumResultsPage)")
        }
        return try await platform.store.assayResults(assayID: assay.id, start: start, end: end, limit: limit)
    }

    /// Alerts (results at or above their alert threshold) recorded in the workspace, newest first.
    public func alerts(workspaceID: String, limit: Int = 100) async throws -> [AssayResult] {
        try await platform.store.assayAlerts(workspaceID: workspaceID, limit: min(max(limit, 1), Self.maximumResultsPage))
    }

    // MARK: - Runs

    /// The baseline compared with itself: its summary, the same values binned as a window, and
    /// zero scores. Nothing is stored.
    public func baselineRun(_ assay: Assay) async throws -> AssayResult {
        try assay.validate()
        let started = ContinuousClock.now
        let (values, range) = try await baselineValues(assay)
        let baseline = try DriftEngine.baseline(values, summarizer: assay.summarizer)
        let window = DriftEngine.window(values, baseline: baseline, summarizer: assay.summarizer)
        let zero = DriftScore(score: 0, scores: Array(repeating: 0, count: baseline.aggregatedValues.count), binIndex: nil)
        let now = platform.now()
        return AssayResult(
            assayID: assay.id, workspaceID: assay.workspaceID, pipelineID: assay.pipelineID, windowIndex: -1,
            windowStart: range?.start ?? now, windowEnd: range?.end ?? now, analyzedAt: now,
            elapsed: ContinuousClock.now - started, feature: assay.feature, baselineStart: range?.start,
            baselineEnd: range?.end, baselineSummary: baseline, windowSummary: window, score: zero, status: .baselineRun,
            warningThreshold: assay.warningThreshold, alertThreshold: assay.alertThreshold, summarizer: assay.summarizer)
    }

    /// Every closed window (up to `runUntil`) that holds values, analysed now; nothing is stored.
    public func interactiveRun(_ assay: Assay) async throws -> [AssayResult] {
        try assay.validate()
        let closed = assay.closedWindows(at: platform.now())
        let windows = closed.lowerBound..<min(closed.upperBound, closed.lowerBound + Self.maximumInteractiveWindows)
        return try await analyse(assay, windows: windows)
    }

    /// Analyses, for every active assay, the windows that closed since its last run (at most
    /// `maximumScheduledWindows` per assay and call) and stores their results; a result at or
    /// above the alert threshold is logged as an alert. Returns how many results were stored.
    @discardableResult
    public func runDue() async -> Int {
        let assays: [Assay]
        do {
            assays = try await platform.store.activeAssays()
        } catch {
            platform.logger.error("assay scheduler could not list assays: \(error)")
            return 0
        }
        var stored = 0
        for assay in assays {
            let closed = assay.closedWindows(at: platform.now())
            let from = assay.analyzedWindows
            let through = min(closed.upperBound, from + Self.maximumScheduledWindows)
            guard through > from else { continue }
            do {
                var results = try await analyse(assay, windows: from..<through)
                for index in results.indices { results[index].id = UUID().uuidString.lowercased() }
                guard try await platform.store.recordAssayResults(results, assayID: assay.id, from: from, through: through,
                                                                  at: platform.now()) else { continue }
                stored += results.count
                for result in results where result.status == .alert {
                    platform.logger.warning("""
                        assay alert: assay '\(assay.name)' (\(assay.id)) window \(Self.stamp(result.windowStart)) scored \
                        \(result.score.score), at or above its alert threshold \(assay.alertThreshold)
                        """)
                }
            } catch {
                platform.logger.error("assay '\(assay.name)' (\(assay.id)) could not be analysed: \(error)")
            }
        }
        return stored
    }

    /// Results of the windows in `windows` that hold values (empty windows give none).
    func analyse(_ assay: Assay, windows: Range<Int>) async throws -> [AssayResult] {
        guard !windows.isEmpty else { return [] }
        let started = ContinuousClock.now
        let (baselineValues, baselineRange) = try await baselineValues(assay)
        let baseline = try DriftEngine.baseline(baselineValues, summarizer: assay.summarizer)
        let origin = assay.windowOrigin
        let first = assay.window.window(windows.lowerBound, origin: origin)
        let last = assay.window.window(windows.upperBound - 1, origin: origin)
        let series = try await platform.store.inferenceSeries(InferenceSeriesQuery(
            workspaceID: assay.workspaceID, pipelineID: assay.pipelineID, feature: assay.feature, start: first.start,
            end: last.end, modelVersionIDs: try await versionIDs(of: assay.window.modelName, workspaceID: assay.workspaceID)))
        var results: [AssayResult] = []
        for index in windows {
            let interval = assay.window.window(index, origin: origin)
            let values = series.values(from: interval.start, to: interval.end)
            guard !values.isEmpty else { continue }
            let window = DriftEngine.window(Array(values), baseline: baseline, summarizer: assay.summarizer)
            let score = DriftEngine.score(baseline: baseline, window: window, summarizer: assay.summarizer)
            let status = AssayStatus.of(score: score.score, warningThreshold: assay.warningThreshold,
                                        alertThreshold: assay.alertThreshold)
            results.append(AssayResult(
                assayID: assay.id, workspaceID: assay.workspaceID, pipelineID: assay.pipelineID, windowIndex: index,
                windowStart: interval.start, windowEnd: interval.end, analyzedAt: platform.now(),
                elapsed: ContinuousClock.now - started, feature: assay.feature, baselineStart: baselineRange?.start,
                baselineEnd: baselineRange?.end, baselineSummary: baseline, windowSummary: window, score: score,
                status: status, warningThreshold: assay.warningThreshold, alertThreshold: assay.alertThreshold,
                summarizer: assay.summarizer))
        }
        return results
    }

    /// The baseline's values, and the time range they come from (nil for given values).
    func baselineValues(_ assay: Assay) async throws -> ([Double], DateInterval?) {
        switch assay.baseline {
        case .values(let values):
            return (values, nil)
        case .fixed(let modelName, let start, let end):
            let series = try await platform.store.inferenceSeries(InferenceSeriesQuery(
                workspaceID: assay.workspaceID, pipelineID: assay.pipelineID, feature: assay.feature, start: start, end: end,
                modelVersionIDs: try await versionIDs(of: modelName, workspaceID: assay.workspaceID)))
            guard series.values.contains(where: \.isFinite) else {
                throw SlipwayError.badRequest("""
                    the baseline holds no numeric value of \(assay.feature.side.rawValue) '\(NameRules.printable(assay.feature.name))' \
                    between \(Self.stamp(start)) and \(Self.stamp(end))
                    """)
            }
            return (series.values, DateInterval(start: start, end: end))
        }
    }

    /// Every version of the named model (nil name: no filter).
    func versionIDs(of modelName: String?, workspaceID: String) async throws -> [String]? {
        guard let modelName else { return nil }
        let model = try await models.model(named: modelName, workspaceID: workspaceID)
        return try await models.versions(of: model).map(\.id)
    }

    static func stamp(_ date: Date) -> String {
        RFC3339Time.string(from: date)
    }
}
