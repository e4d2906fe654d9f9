import Foundation
@testable import SlipwayCore

/// The tracking tables of the in-memory store.
struct TrackingTables: Sendable, Equatable {
    var experiments: [Experiment] = []
    /// Runs with their parameters, tags, latest metrics and inputs.
    var runs: [TrackedRun] = []
    /// Every metric point, `runID` set, in insertion order.
    var history: [RunMetric] = []
    var loggedModels: [LoggedModel] = []
}

/// `TrackingStore` in memory, with the SQL store's constraints (unique experiment names and
/// ids per workspace, parameters inserted once), orders and predicate meaning (the shared
/// `RunPredicate.matches` / `RunOrder.precedes` evaluation).
extension InMemoryMetadataStore {
    func insertExperiment(_ experiment: Experiment) async throws {
        try write { state in
            guard !state.tracking.experiments.contains(where: {
                $0.workspaceID == experiment.workspaceID && ($0.id == experiment.id || $0.name == experiment.name)
            }) else { throw Self.duplicate("tracking_experiments") }
            state.tracking.experiments.append(experiment)
        }
    }

    func experiment(workspaceID: String, id: String) async throws -> Experiment? {
        read { $0.tracking.experiments.first { $0.workspaceID == workspaceID && $0.id == id } }
    }

    func experiment(workspaceID: String, name: String) async throws -> Experiment? {
        read { $0.tracking.experiments.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func searchExperiments(_ query: ExperimentQuery) async throws -> [Experiment] {
        read { state in
            let matching = state.tracking.experiments.filter { experiment in
                experiment.workspaceID == query.workspaceID && query.lifecycle.includes(experiment.lifecycle)
                    && query.predicates.allSatisfy { predicate in
                        let run = TrackedRun(id: experiment.id, workspaceID: "", experimentID: "", name: experiment.name, userID: "",
                                             status: .running, startTime: 0, endTime: nil, tags: experiment.tags)
                        switch predicate.field {
                        case .name: return RunPredicate(.attribute(.runName), predicate.op, predicate.value).matches(run)
                        case .experimentID: return RunPredicate(.attribute(.runID), predicate.op, predicate.value).matches(run)
                        case .tag(let key): return RunPredicate(.tag(key), predicate.op, predicate.value).matches(run)
                        case .createdAt:
                            return RunPredicate(.attribute(.startTime), predicate.op, predicate.value)
                                .matchesNumber(experiment.createdAt.timeIntervalSince1970 * 1000)
                        case .updatedAt:
                            return RunPredicate(.attribute(.startTime), predicate.op, predicate.value)
                                .matchesNumber(experiment.updatedAt.timeIntervalSince1970 * 1000)
                        }
                    }
            }
            let sorted = matching.sorted { a, b in
                for order in query.order {
                    let left: String, right: String
                    switch order.field {
                    case .name: (left, right) = (a.name, b.name)
                    case .experimentID: (left, right) = (a.id, b.id)
                    case .createdAt: if a.createdAt != b.createdAt { return order.ascending == (a.createdAt < b.createdAt) }; continue
                    case .updatedAt: if a.updatedAt != b.updatedAt { return order.ascending == (a.updatedAt < b.updatedAt) }; continue
                    case .tag(let key): (left, right) = (a.tags[key] ?? "", b.tags[key] ?? "")
                    }
                    if left != right { return order.ascending == Self.precedes(left, right) }
                }
                if a.createdAt != b.createdAt { return a.createdAt > b.createdAt }
                return Self.precedes(a.id, b.id)
            }
            return Array(sorted.dropFirst(query.offset).prefix(query.limit))
        }
    }

    func updateExperiment(workspaceID: String, id: String, name: String?, lifecycle: TrackingLifecycle?,
                          at: Date) async throws -> Bool {
        try write { state in
            guard let index = state.tracking.experiments.firstIndex(where: { $0.workspaceID == workspaceID && $0.id == id }) else {
                return false
            }
            if let name {
                guard !state.tracking.experiments.contains(where: { $0.workspaceID == workspaceID && $0.name == name && $0.id != id }) else {
                    throw Self.duplicate("tracking_experiments.name")
                }
                state.tracking.experiments[index].name = name
            }
            if let lifecycle { state.tracking.experiments[index].lifecycle = lifecycle }
            state.tracking.experiments[index].updatedAt = at
            return true
        }
    }

    func setExperimentTag(workspaceID: String, id: String, key: String, value: String?) async throws {
        try write { state in
            guard let index = state.tracking.experiments.firstIndex(where: { $0.workspaceID == workspaceID && $0.id == id }) else { return }
            state.tracking.experiments[index].tags[key] = value
        }
    }

    func insertRun(_ run: TrackedRun) async throws {
        try write { state in
            guard !state.tracking.runs.contains(where: { $0.id == run.id }) else { throw Self.duplicate("tracking_runs.id") }
            state.tracking.runs.append(run)
        }
    }

    func run(workspaceID: String, id: String) async throws -> TrackedRun? {
        read { $0.tracking.runs.first { $0.workspaceID == workspaceID && $0.id == id } }
    }

    func runInfo(workspaceID: String, id: String) async throws -> TrackedRun? {
        read { state in
            state.tracking.runs.first { $0.workspaceID == workspaceID && $0.id == id }.map { run in
                var info = run
                (info.params, info.tags, info.metrics, info.inputs) = ([:], [:], [], [])
                return info
            }
        }
    }

    func updateRun(workspaceID: String, id: String, name: String?, status: TrackedRunStatus?, endTime: Int64?,
                   lifecycle: TrackingLifecycle?) async throws -> Bool {
        try write { state in
            guard let index = state.tracking.runs.firstIndex(where: { $0.workspaceID == workspaceID && $0.id == id }) else { return false }
            if let name { state.tracking.runs[index].name = name }
            if let status { state.tracking.runs[index].status = status }
            if let endTime { state.tracking.runs[index].endTime = endTime }
            if let lifecycle { state.tracking.runs[index].lifecycle = lifecycle }
            return true
        }
    }

    func searchRuns(_ query: RunQuery) async throws -> [TrackedRun] {
        read { state in
            let matching = state.tracking.runs.filter { run in
                run.workspaceID == query.workspaceID && query.experimentIDs.contains(run.experimentID)
                    && query.lifecycle.includes(run.lifecycle) && query.predicates.allSatisfy { $0.matches(run) }
            }
            let sorted = matching.sorted { RunOrder.precedes($0, $1, orders: query.order) }
            return Array(sorted.dropFirst(query.offset).prefix(query.limit))
        }
    }

    func params(runID: String, keys: [String]) async throws -> [String: String] {
        read { state in
            guard let run = state.tracking.runs.first(where: { $0.id == runID }) else { return [:] }
            return run.params.filter { keys.contains($0.key) }
        }
    }

    func appendRunData(runID: String, metrics: [RunMetric], params: [(key: String, value: String)],
                       tags: [(key: String, value: String)], deletedTags: [String]) async throws {
        try write { state in
            guard let index = state.tracking.runs.firstIndex(where: { $0.id == runID }) else { return }
            for metric in metrics {
                var point = metric
                point.runID = runID
                state.tracking.history.append(point)
                var latest = metric
                latest.runID = nil
                latest.modelID = nil
                latest.datasetName = nil
                latest.datasetDigest = nil
                if let position = state.tracking.runs[index].metrics.firstIndex(where: { $0.key == metric.key }) {
                    if metric.supersedes(state.tracking.runs[index].metrics[position]) {
                        state.tracking.runs[index].metrics[position] = latest
                    }
                } else {
                    state.tracking.runs[index].metrics.append(latest)
                    state.tracking.runs[index].metrics.sort { Self.precedes($0.key, $1.key) }
                }
            }
            for param in params where state.tracking.runs[index].params[param.key] == nil {
                state.tracking.runs[index].params[param.key] = param.value
            }
            for tag in tags { state.tracking.runs[index].tags[tag.key] = tag.value }
            for key in deletedTags { state.tracking.runs[index].tags[key] = nil }
        }
    }

    func metricHistory(runID: String, key: String, limit: Int, offset: Int) async throws -> [RunMetric] {
        read { state in
            let points = state.tracking.history.filter { $0.runID == runID && $0.key == key }
                .enumerated().sorted { ($0.element.step, $0.element.timestamp, $0.offset) < ($1.element.step, $1.element.timestamp, $1.offset) }
                .map { var point = $0.element; point.runID = nil; return point }
            return Array(points.dropFirst(offset).prefix(limit))
        }
    }

    func metricHistories(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?,
                         limitPerRun: Int) async throws -> [RunMetric] {
        read { state in
            runIDs.flatMap { runID in
                state.tracking.history.filter { point in
                    point.runID == runID && point.key == key && (startStep.map { point.step >= $0 } ?? true)
                        && (endStep.map { point.step <= $0 } ?? true)
                }
                .enumerated().sorted { ($0.element.step, $0.element.timestamp, $0.offset) < ($1.element.step, $1.element.timestamp, $1.offset) }
                .prefix(limitPerRun).map(\.element)
            }
        }
    }

    func addRunInputs(runID: String, _ inputs: [RunDatasetInput]) async throws {
        try write { state in
            guard let index = state.tracking.runs.firstIndex(where: { $0.id == runID }) else { return }
            for input in inputs where !state.tracking.runs[index].inputs.contains(where: { $0.name == input.name && $0.digest == input.digest }) {
                state.tracking.runs[index].inputs.append(input)
            }
        }
    }

    func insertLoggedModel(_ model: LoggedModel) async throws {
        try write { state in
            guard !state.tracking.loggedModels.contains(where: { $0.id == model.id }) else { throw Self.duplicate("tracking_logged_models.id") }
            state.tracking.loggedModels.append(model)
        }
    }

    func loggedModel(workspaceID: String, id: String) async throws -> LoggedModel? {
        read { $0.tracking.loggedModels.first { $0.workspaceID == workspaceID && $0.id == id } }
    }

    func updateLoggedModel(workspaceID: String, id: String, status: LoggedModel.Status?, statusMessage: String?,
                           lifecycle: TrackingLifecycle?, at: Int64) async throws -> Bool {
        try write { state in
            guard let index = state.tracking.loggedModels.firstIndex(where: { $0.workspaceID == workspaceID && $0.id == id }) else {
                return false
            }
            if let status {
                state.tracking.loggedModels[index].status = status
                state.tracking.loggedModels[index].statusMessage = statusMessage
            }
            if let lifecycle { state.tracking.loggedModels[index].lifecycle = lifecycle }
            state.tracking.loggedModels[index].updatedAt = at
            return true
        }
    }

    func setLoggedModelData(workspaceID: String, id: String, tags: [(key: String, value: String)],
                            params: [(key: String, value: String)], deletedTags: [String]) async throws {
        try write { state in
            guard let index = state.tracking.loggedModels.firstIndex(where: { $0.workspaceID == workspaceID && $0.id == id }) else { return }
            for tag in tags { state.tracking.loggedModels[index].tags[tag.key] = tag.value }
            for param in params where state.tracking.loggedModels[index].params[param.key] == nil {
                state.tracking.loggedModels[index].params[param.key] = param.value
            }
            for key in deletedTags { state.tracking.loggedModels[index].tags[key] = nil }
        }
    }

    func searchLoggedModels(workspaceID: String, experimentIDs: [String], limit: Int, offset: Int) async throws -> [LoggedModel] {
        read { state in
            let models = state.tracking.loggedModels.filter {
                $0.workspaceID == workspaceID && experimentIDs.contains($0.experimentID) && $0.lifecycle == .active
            }.enumerated().sorted { ($0.element.createdAt, $1.offset) > ($1.element.createdAt, $0.offset) }.map(\.element)
            return Array(models.dropFirst(offset).prefix(limit))
        }
    }
}
