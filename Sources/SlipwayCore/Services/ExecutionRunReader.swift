import Foundation

/// Pipeline executions shown as read-only tracked runs: one experiment per pipeline
/// (id `pipeline-<pipeline id>`, name `pipelines/<pipeline name>`), parameters = the
/// execution's inputs, metrics = its recorded metrics (a list metric's values are its steps
/// 0, 1, …; a single value is step 0), tags = pipeline, deployment, trigger, status, code and
/// environment hashes (`slipway.*`).
///
/// Read through, not copied into the tracking tables: executions and their metrics keep one
/// source of truth (a copy would have to follow every status change, metric and deletion of
/// an execution, and could drift), and the volumes compared this way (a pipeline's
/// executions) are small enough to filter in memory with the same predicate evaluation the
/// SQL store implements.
struct ExecutionRunReader: Sendable {
    let platform: Platform

    static let experimentPrefix = "pipeline-"
    static let experimentNamePrefix = "pipelines/"

    static func isPipelineExperimentID(_ id: String) -> Bool { id.hasPrefix(experimentPrefix) }

    var store: any MetadataStore { platform.store }

    func experiment(for pipeline: Pipeline) -> Experiment {
        let id = Self.experimentPrefix + pipeline.id
        return Experiment(id: id, workspaceID: pipeline.workspaceID, name: Self.experimentNamePrefix + pipeline.name,
                          artifactLocation: id, createdAt: pipeline.createdAt, updatedAt: pipeline.createdAt,
                          tags: ["slipway.pipeline": pipeline.name])
    }

    func experiment(workspaceID: String, id: String) async throws -> Experiment? {
        guard Self.isPipelineExperimentID(id) else { return nil }
        guard let pipeline = try await store.pipeline(id: String(id.dropFirst(Self.experimentPrefix.count))),
              pipeline.workspaceID == workspaceID else { return nil }
        return experiment(for: pipeline)
    }

    func experiment(workspaceID: String, name: String) async throws -> Experiment? {
        guard name.hasPrefix(Self.experimentNamePrefix) else { return nil }
        guard let pipeline = try await store.pipeline(workspaceID: workspaceID,
                                                      name: String(name.dropFirst(Self.experimentNamePrefix.count))) else { return nil }
        return experiment(for: pipeline)
    }

    func run(workspaceID: String, id: String) async throws -> TrackedRun? {
        guard let execution = try await store.execution(workspaceID: workspaceID, id: id) else { return nil }
        return try await run(execution)
    }

    /// The runs of the pipelines behind these experiment ids (executions are never in the trash).
    func runs(workspaceID: String, experimentIDs: [String], lifecycle: LifecycleFilter) async throws -> [TrackedRun] {
        guard lifecycle.includes(.active) else { return [] }
        var runs: [TrackedRun] = []
        for id in experimentIDs {
            guard let experiment = try await experiment(workspaceID: workspaceID, id: id) else { continue }
            let pipelineName = String(experiment.name.dropFirst(Self.experimentNamePrefix.count))
            for execution in try await store.listExecutions(workspaceID: workspaceID, pipelineName: pipelineName) {
                runs.append(try await run(execution))
            }
        }
        return runs
    }

    static func status(_ status: ExecutionStatus) -> TrackedRunStatus {
        switch status {
        case .pending: .scheduled
        case .running: .running
        case .succeeded, .skipped: .finished
        case .failed, .error: .failed
        }
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    func run(_ execution: Execution) async throws -> TrackedRun {
        var params: [String: String] = [:]
        for input in try await store.inputs(executionID: execution.id) {
            switch input.value {
            case .string(let text)?: params[input.name] = text
            case let value?: params[input.name] = value.jsonString()
            case nil: params[input.name] = input.fileName ?? ""
            }
        }
        var tags = ["slipway.pipeline": execution.pipelineName, "slipway.status": execution.status.rawValue,
                    "slipway.trigger": execution.trigger.rawValue, "slipway.execution_id": execution.id]
        if let deployment = execution.deploymentName { tags["slipway.deployment"] = deployment }
        if let step = try await store.step(id: execution.stepID) {
            tags["slipway.code_hash"] = step.codeDigest
            if let environment = step.environmentKey { tags["slipway.environment_hash"] = environment }
        }
        if let message = execution.failureMessage { tags["slipway.failure"] = String(message.prefix(8000)) }
        let histories = try await metricHistories(workspaceID: execution.workspaceID, executionID: execution.id)
        let latest = histories.values.compactMap(\.last).sorted { $0.key < $1.key }
        return TrackedRun(id: execution.id, workspaceID: execution.workspaceID,
                          experimentID: Self.experimentPrefix + execution.pipelineID, name: execution.id,
                          userID: execution.createdBy, status: Self.status(execution.status),
                          startTime: Self.milliseconds(execution.startedAt ?? execution.createdAt),
                          endTime: execution.endedAt.map(Self.milliseconds), source: .execution,
                          params: params, tags: tags, metrics: latest)
    }

    /// Every metric of an execution as points in step order: a list metric's values are steps
    /// 0, 1, …; a single-value metric (without a list of the same name) is step 0.
    func metricHistories(workspaceID: String, executionID: String) async throws -> [String: [RunMetric]] {
        let filter = MetricFilter(executionID: executionID)
        var histories: [String: [RunMetric]] = [:]
        let lists = try await store.listMetrics(workspaceID: workspaceID, filter: filter, page: PageRequest(itemsPerPage: 10_000))
        for list in lists.items {
            let time = Self.milliseconds(list.createdAt)
            histories[list.name] = list.values.enumerated().map { step, value in
                RunMetric(key: list.name, value: value, timestamp: time, step: Int64(step))
            }
        }
        let singles = try await store.metrics(workspaceID: workspaceID, filter: filter, page: PageRequest(itemsPerPage: 10_000))
        for metric in singles.items where histories[metric.name] == nil {
            histories[metric.name] = [RunMetric(key: metric.name, value: metric.value, timestamp: Self.milliseconds(metric.createdAt), step: 0)]
        }
        return histories
    }

    func metricHistory(workspaceID: String, executionID: String, key: String) async throws -> [RunMetric] {
        try await metricHistories(workspaceID: workspaceID, executionID: executionID)[key] ?? []
    }
}
