import Foundation

/// Experiments, tracked runs, their parameters, tags, metric history and dataset inputs.
/// Every lookup is scoped by workspace: an id of another workspace reads as absent. Writes of
/// one logging call go through `appendRunData` in one statement batch (the service wraps rule
/// checks and the write in one transaction).
public protocol TrackingStore: LoggedModelStore {
    /// Inserts the experiment; a second one of the same (workspace, name) or (workspace, id)
    /// is `SlipwayError.conflict`.
    func insertExperiment(_ experiment: Experiment) async throws
    func experiment(workspaceID: String, id: String) async throws -> Experiment?
    func experiment(workspaceID: String, name: String) async throws -> Experiment?
    /// A page of experiments, tags included.
    func searchExperiments(_ query: ExperimentQuery) async throws -> [Experiment]
    /// Renames and/or moves to a lifecycle stage; false when there is no such experiment. A
    /// rename onto an existing name is `SlipwayError.conflict`.
    func updateExperiment(workspaceID: String, id: String, name: String?, lifecycle: TrackingLifecycle?,
                          at: Date) async throws -> Bool
    /// Sets (or, with nil, deletes) one tag.
    func setExperimentTag(workspaceID: String, id: String, key: String, value: String?) async throws

    /// Inserts the run with its initial parameters and tags.
    func insertRun(_ run: TrackedRun) async throws
    /// The run with its parameters, tags, latest metrics and inputs; nil when the workspace
    /// has no such run.
    func run(workspaceID: String, id: String) async throws -> TrackedRun?
    /// The run's own columns only (no parameters, tags, metrics or inputs): what a write
    /// checks before it logs, in one indexed read.
    func runInfo(workspaceID: String, id: String) async throws -> TrackedRun?
    /// Changes what is given; false when there is no such run.
    func updateRun(workspaceID: String, id: String, name: String?, status: TrackedRunStatus?, endTime: Int64?,
                   lifecycle: TrackingLifecycle?) async throws -> Bool
    /// A page of runs, each with its parameters, tags and latest metrics (inputs too).
    func searchRuns(_ query: RunQuery) async throws -> [TrackedRun]
    /// The stored values of these parameter keys.
    func params(runID: String, keys: [String]) async throws -> [String: String]
    /// Appends metric points (updating each key's latest value), inserts parameters (already
    /// checked), upserts tags and deletes `deletedTags`.
    func appendRunData(runID: String, metrics: [RunMetric], params: [(key: String, value: String)],
                       tags: [(key: String, value: String)], deletedTags: [String]) async throws
    /// One metric's points of one run by (step, timestamp), a page of them.
    func metricHistory(runID: String, key: String, limit: Int, offset: Int) async throws -> [RunMetric]
    /// One metric's points of several runs within [startStep, endStep], `runID` set, by run
    /// then (step, timestamp), at most `limit` per run.
    func metricHistories(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?,
                         limitPerRun: Int) async throws -> [RunMetric]
    /// Adds dataset inputs; a dataset (name, digest) already recorded for the run is kept once.
    func addRunInputs(runID: String, _ inputs: [RunDatasetInput]) async throws
}

/// Logged models, their tags and parameters (part of `TrackingStore`).
public protocol LoggedModelStore: Sendable {
    func insertLoggedModel(_ model: LoggedModel) async throws
    /// The model in any lifecycle stage; nil when the workspace has no such model.
    func loggedModel(workspaceID: String, id: String) async throws -> LoggedModel?
    /// Changes what is given (status and its message, lifecycle) and touches `updatedAt`.
    func updateLoggedModel(workspaceID: String, id: String, status: LoggedModel.Status?, statusMessage: String?,
                           lifecycle: TrackingLifecycle?, at: Int64) async throws -> Bool
    /// Upserts tags and parameters (parameters already logged keep their value), deletes `deletedTags`.
    func setLoggedModelData(workspaceID: String, id: String, tags: [(key: String, value: String)],
                            params: [(key: String, value: String)], deletedTags: [String]) async throws
    /// Active models of these experiments, newest first, one page.
    func searchLoggedModels(workspaceID: String, experimentIDs: [String], limit: Int, offset: Int) async throws -> [LoggedModel]
}
