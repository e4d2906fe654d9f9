import Foundation

/// What one logging call writes: metric points, parameters and tags (in the caller's order).
public struct RunDataBatch: Sendable {
    public var metrics: [RunMetric]
    public var params: [(key: String, value: String)]
    public var tags: [(key: String, value: String)]

    public init(metrics: [RunMetric] = [], params: [(key: String, value: String)] = [], tags: [(key: String, value: String)] = []) {
        self.metrics = metrics
        self.params = params
        self.tags = tags
    }
}

extension TrackingService {
    /// Starts a run in an active experiment. `name` defaults to a generated one.
    public func createRun(workspaceID: String, experimentID: String, userID: String, name: String?, startTime: Int64?,
                          tags: [(key: String, value: String)]) async throws -> TrackedRun {
        let experiment = try await writableExperiment(workspaceID: workspaceID, id: experimentID)
        guard experiment.lifecycle == .active else {
            throw SlipwayError.badRequest("experiment '\(experimentID)' is deleted; runs can only be created in an active experiment")
        }
        var tagMap: [String: String] = [:]
        for tag in tags {
            try validateKey(tag.key, "tag")
            try validateValue(tag.value, key: tag.key, limit: limits.maxTagValueLength, "tag")
            tagMap[tag.key] = tag.value
        }
        let id = Self.newRunID()
        let name = name.flatMap { $0.isEmpty ? nil : $0 } ?? "run-\(id.prefix(8))"
        guard name.count <= limits.maxRunNameLength else {
            throw SlipwayError.badRequest("run name is \(name.count) characters long; the limit is \(limits.maxRunNameLength)")
        }
        let run = TrackedRun(id: id, workspaceID: workspaceID, experimentID: experiment.id, name: name, userID: userID,
                             status: .running, startTime: startTime ?? nowMilliseconds(), endTime: nil, tags: tagMap)
        try await store.insertRun(run)
        return run
    }

    /// The run, stored or an execution shown as one, in any lifecycle stage.
    public func run(workspaceID: String, id: String) async throws -> TrackedRun {
        if let run = try await store.run(workspaceID: workspaceID, id: id) { return run }
        if let run = try await executionRuns.run(workspaceID: workspaceID, id: id) { return run }
        throw SlipwayError.notFound("run", id)
    }

    /// A run that may be written: stored (not an execution), and active unless `allowDeleted`.
    func writableRun(workspaceID: String, id: String, allowDeleted: Bool = false) async throws -> TrackedRun {
        let run: TrackedRun
        if let stored = try await store.runInfo(workspaceID: workspaceID, id: id) {
            run = stored
        } else if let execution = try await executionRuns.run(workspaceID: workspaceID, id: id) {
            run = execution
        } else {
            throw SlipwayError.notFound("run", id)
        }
        guard run.source == .tracking else {
            throw SlipwayError.forbidden("run '\(id)' is an execution of pipeline '\(run.experimentID)': it is read-only")
        }
        if !allowDeleted, run.lifecycle != .active {
            throw SlipwayError.badRequest("run '\(id)' is deleted; restore it before changing it")
        }
        return run
    }

    /// Changes the status, end time and/or name; returns the run as stored.
    public func updateRun(workspaceID: String, id: String, status: TrackedRunStatus?, endTime: Int64?,
                          name: String?) async throws -> TrackedRun {
        _ = try await writableRun(workspaceID: workspaceID, id: id)
        if let name {
            guard !name.isEmpty, name.count <= limits.maxRunNameLength else {
                throw SlipwayError.badRequest("run name must be 1 to \(limits.maxRunNameLength) characters long")
            }
        }
        _ = try await store.updateRun(workspaceID: workspaceID, id: id, name: name, status: status, endTime: endTime, lifecycle: nil)
        return try await run(workspaceID: workspaceID, id: id)
    }

    public func setRunLifecycle(workspaceID: String, id: String, _ lifecycle: TrackingLifecycle) async throws {
        let run = try await writableRun(workspaceID: workspaceID, id: id, allowDeleted: true)
        if lifecycle == .active {
            let experiment = try await experiment(workspaceID: workspaceID, id: run.experimentID)
            guard experiment.lifecycle == .active else {
                throw SlipwayError.badRequest("run '\(id)' belongs to a deleted experiment; restore the experiment first")
            }
        }
        _ = try await store.updateRun(workspaceID: workspaceID, id: id, name: nil, status: nil, endTime: nil, lifecycle: lifecycle)
    }

    /// Checks a batch against the limits and key rules, without reading anything.
    public func validate(_ batch: RunDataBatch) throws {
        guard batch.metrics.count <= limits.maxMetricsPerBatch else {
            throw SlipwayError.badRequest("A batch logging request can contain at most \(limits.maxMetricsPerBatch) metrics. Got \(batch.metrics.count) metrics.")
        }
        guard batch.params.count <= limits.maxParamsPerBatch else {
            throw SlipwayError.badRequest("A batch logging request can contain at most \(limits.maxParamsPerBatch) params. Got \(batch.params.count) params.")
        }
        guard batch.tags.count <= limits.maxTagsPerBatch else {
            throw SlipwayError.badRequest("A batch logging request can contain at most \(limits.maxTagsPerBatch) tags. Got \(batch.tags.count) tags.")
        }
        let total = batch.metrics.count + batch.params.count + batch.tags.count
        guard total <= limits.maxEntitiesPerBatch else {
            throw SlipwayError.badRequest("A batch logging request can contain at most \(limits.maxEntitiesPerBatch) metrics, params and tags in total. Got \(total).")
        }
        for metric in batch.metrics { try validateKey(metric.key, "metric") }
        var seen: [String: String] = [:]
        for param in batch.params {
            try validateKey(param.key, "param")
            try validateValue(param.value, key: param.key, limit: limits.maxParamValueLength, "param")
            if let earlier = seen[param.key], earlier != param.value {
                throw SlipwayError.badRequest("Duplicate parameter keys have been submitted: '\(param.key)' with the values '\(earlier)' and '\(param.value)'")
            }
            seen[param.key] = param.value
        }
        for tag in batch.tags {
            try validateKey(tag.key, "tag")
            try validateValue(tag.value, key: tag.key, limit: limits.maxTagValueLength, "tag")
        }
    }

    /// Logs metrics, parameters and tags to an active stored run, all or nothing: a parameter
    /// already logged with another value refuses the whole batch (the same value again is fine).
    public func log(workspaceID: String, runID: String, _ batch: RunDataBatch) async throws {
        try validate(batch)
        _ = try await writableRun(workspaceID: workspaceID, id: runID)
        if batch.metrics.isEmpty, batch.params.isEmpty, batch.tags.isEmpty { return }
        // Without parameters there is nothing to check against stored data: one write (the
        // store's own transaction) is all.
        if batch.params.isEmpty {
            try await store.appendRunData(runID: runID, metrics: batch.metrics, params: [], tags: batch.tags, deletedTags: [])
            return
        }
        var newParams: [(key: String, value: String)] = []
        var seen = Set<String>()
        for param in batch.params where seen.insert(param.key).inserted { newParams.append(param) }
        let params = newParams
        try await store.transaction { tx in
            if !params.isEmpty {
                let stored = try await tx.params(runID: runID, keys: params.map(\.key))
                for param in params {
                    if let old = stored[param.key], old != param.value {
                        throw SlipwayError.badRequest("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(old)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'.")
                    }
                }
                let fresh = params.filter { stored[$0.key] == nil }
                try await tx.appendRunData(runID: runID, metrics: batch.metrics, params: fresh, tags: batch.tags, deletedTags: [])
            } else {
                try await tx.appendRunData(runID: runID, metrics: batch.metrics, params: [], tags: batch.tags, deletedTags: [])
            }
        }
    }

    public func deleteTag(workspaceID: String, runID: String, key: String) async throws {
        _ = try await writableRun(workspaceID: workspaceID, id: runID)
        guard try await run(workspaceID: workspaceID, id: runID).tags[key] != nil else {
            throw SlipwayError.notFound("tag", key)
        }
        try await store.appendRunData(runID: runID, metrics: [], params: [], tags: [], deletedTags: [key])
    }

    public func logInputs(workspaceID: String, runID: String, _ inputs: [RunDatasetInput]) async throws {
        guard inputs.count <= limits.maxDatasetsPerInputs else {
            throw SlipwayError.badRequest("at most \(limits.maxDatasetsPerInputs) datasets per call")
        }
        for input in inputs {
            guard !input.name.isEmpty, !input.digest.isEmpty else {
                throw SlipwayError.badRequest("a dataset needs a name and a digest")
            }
            for (key, value) in input.tags {
                try validateKey(key, "input tag")
                try validateValue(value, key: key, limit: limits.maxTagValueLength, "input tag")
            }
        }
        _ = try await writableRun(workspaceID: workspaceID, id: runID)
        try await store.addRunInputs(runID: runID, inputs)
    }

    // MARK: - Reading

    /// A page of runs of the given experiments; `query.limit` may be one more than a page so
    /// the caller can tell whether another follows. Experiments of pipelines read their
    /// executions; a query over both kinds merges them in the query's order.
    public func searchRuns(_ query: RunQuery) async throws -> [TrackedRun] {
        guard query.limit >= 1, query.limit <= limits.maxRunsPage + 1 else {
            throw SlipwayError.badRequest("max_results must be between 1 and \(limits.maxRunsPage)")
        }
        guard query.offset >= 0 else { throw SlipwayError.badRequest("invalid page token") }
        var stored: [String] = [], pipelines: [String] = []
        for id in query.experimentIDs {
            if ExecutionRunReader.isPipelineExperimentID(id) { pipelines.append(id) } else { stored.append(id) }
        }
        if pipelines.isEmpty { return try await store.searchRuns(query) }
        var runs = try await executionRuns.runs(workspaceID: query.workspaceID, experimentIDs: pipelines, lifecycle: query.lifecycle)
        runs = runs.filter { run in query.predicates.allSatisfy { $0.matches(run) } }
        if !stored.isEmpty {
            var head = query
            head.experimentIDs = stored
            head.offset = 0
            head.limit = min(query.offset + query.limit, limits.maxRunsPage + 1)
            runs += try await store.searchRuns(head)
        }
        runs.sort { RunOrder.precedes($0, $1, orders: query.order) }
        return Array(runs.dropFirst(query.offset).prefix(query.limit))
    }

    /// A page of one metric's history (by step, then time).
    public func metricHistory(workspaceID: String, runID: String, key: String, limit: Int, offset: Int) async throws -> [RunMetric] {
        guard limit >= 1, limit <= limits.maxHistoryPage + 1 else {
            throw SlipwayError.badRequest("max_results must be between 1 and \(limits.maxHistoryPage)")
        }
        let run = try await run(workspaceID: workspaceID, id: runID)
        if run.source == .execution {
            let points = try await executionRuns.metricHistory(workspaceID: workspaceID, executionID: runID, key: key)
            return Array(points.dropFirst(offset).prefix(limit))
        }
        return try await store.metricHistory(runID: runID, key: key, limit: limit, offset: offset)
    }

    /// One metric of several runs within a step range, at most `limitPerRun` points each.
    public func metricHistories(workspaceID: String, runIDs: [String], key: String, startStep: Int64?, endStep: Int64?,
                                limitPerRun: Int) async throws -> [RunMetric] {
        guard !runIDs.isEmpty, runIDs.count <= limits.maxRunsPerHistoryRequest else {
            throw SlipwayError.badRequest("run_ids must name 1 to \(limits.maxRunsPerHistoryRequest) runs")
        }
        guard limitPerRun >= 1, limitPerRun <= limits.maxHistoryPage else {
            throw SlipwayError.badRequest("max_results must be between 1 and \(limits.maxHistoryPage)")
        }
        if let startStep, let endStep, startStep > endStep {
            throw SlipwayError.badRequest("end_step must be at least start_step")
        }
        var storedIDs: [String] = []
        var points: [RunMetric] = []
        for id in runIDs {
            let run = try await run(workspaceID: workspaceID, id: id)
            if run.source == .tracking { storedIDs.append(id); continue }
            let history = try await executionRuns.metricHistory(workspaceID: workspaceID, executionID: id, key: key)
            points += history.filter { point in
                (startStep.map { point.step >= $0 } ?? true) && (endStep.map { point.step <= $0 } ?? true)
            }.prefix(limitPerRun).map { var point = $0; point.runID = id; return point }
        }
        if !storedIDs.isEmpty {
            points += try await store.metricHistories(runIDs: storedIDs, key: key, startStep: startStep, endStep: endStep,
                                                      limitPerRun: limitPerRun)
        }
        return points
    }
}
