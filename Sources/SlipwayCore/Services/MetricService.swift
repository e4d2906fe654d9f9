import Foundation

/// Pipeline metrics recorded from inside executions.
public struct MetricService: Sendable {
    let platform: Platform
    /// Most values one list metric may hold for one execution.
    public static let maxListValues = 1_000_000

    public init(platform: Platform) {
        self.platform = platform
    }

    /// The execution a metric is recorded for: an execution token may only write its own.
    func target(executionID: String?, principal: Principal) async throws -> Execution {
        guard let executionID, !executionID.isEmpty else { throw SlipwayError.badRequest("execution_id is required") }
        if principal.kind == .execution, principal.executionID != executionID {
            throw SlipwayError.forbidden("an execution may only record its own metrics")
        }
        guard let execution = try await platform.store.execution(workspaceID: principal.workspaceID, id: executionID) else {
            throw SlipwayError.notFound("execution", executionID)
        }
        if principal.kind == .deployment {
            var owner: Deployment?
            if let name = execution.deploymentName {
                owner = try await platform.store.deployment(workspaceID: principal.workspaceID, name: name)
            }
            guard owner?.id == principal.executionID, !execution.status.isFinal else {
                throw SlipwayError.forbidden("a deployment's worker may only record metrics of its running executions")
            }
        }
        return execution
    }

    public func record(name: String, value: Double, executionID: String?, principal: Principal) async throws {
        try NameRules.validateMetricName(name)
        guard value.isFinite else { throw SlipwayError.badRequest("metric value must be a finite number") }
        let execution = try await target(executionID: executionID, principal: principal)
        try await platform.store.upsertMetric(workspaceID: principal.workspaceID, MetricValue(
            name: name, value: value, executionID: execution.id, pipelineName: execution.pipelineName,
            deploymentName: execution.deploymentName, createdAt: platform.now()))
    }

    public func append(name: String, values: [Double], executionID: String?, principal: Principal) async throws {
        try NameRules.validateMetricName(name)
        guard !values.isEmpty else { throw SlipwayError.badRequest("values must not be empty") }
        guard values.count <= 100_000 else { throw SlipwayError.tooLarge("at most 100000 values per request") }
        guard values.allSatisfy(\.isFinite) else { throw SlipwayError.badRequest("metric values must be finite numbers") }
        let execution = try await target(executionID: executionID, principal: principal)
        try await platform.store.appendListMetric(workspaceID: principal.workspaceID, ListMetric(
            name: name, values: values, executionID: execution.id, pipelineName: execution.pipelineName,
            deploymentName: execution.deploymentName, createdAt: platform.now()))
    }

    public func metrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<MetricValue> {
        try await platform.store.metrics(workspaceID: workspaceID, filter: filter, page: page)
    }

    public func listMetrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<ListMetric> {
        try await platform.store.listMetrics(workspaceID: workspaceID, filter: filter, page: page)
    }
}
