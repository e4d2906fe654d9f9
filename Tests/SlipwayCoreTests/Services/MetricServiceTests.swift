import Foundation
import Testing

@testable import SlipwayCore

/// Metrics recorded from inside executions: who may write which execution's metrics, values,
/// overwriting, list accumulation and pagination.
@Suite struct MetricServiceTests {
    /// A harness with one finished execution of pipeline `trained`.
    static func harness() async throws -> (ServiceHarness, Execution) {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("trained")
        return (h, try await h.run(pipeline, step))
    }

    @Test func recordingAgainOverwritesTheValue() async throws {
        let (h, execution) = try await Self.harness()
        try await h.metrics.record(name: "accuracy", value: 0.5, executionID: execution.id, principal: h.principal)
        h.clock.advance(by: 1)
        try await h.metrics.record(name: "accuracy", value: 0.9, executionID: execution.id, principal: h.principal)
        let page = try await h.metrics.metrics(workspaceID: h.workspace.id, filter: MetricFilter(), page: PageRequest())
        #expect(page.totalCount == 1)
        #expect(page.items == [MetricValue(name: "accuracy", value: 0.9, executionID: execution.id, pipelineName: "trained",
                                           deploymentName: nil, createdAt: h.clock.now)])
    }

    @Test func listMetricValuesAccumulateAcrossRequests() async throws {
        let (h, execution) = try await Self.harness()
        try await h.metrics.append(name: "loss", values: [3, 2], executionID: execution.id, principal: h.principal)
        try await h.metrics.append(name: "loss", values: [1], executionID: execution.id, principal: h.principal)
        let page = try await h.metrics.listMetrics(workspaceID: h.workspace.id, filter: MetricFilter(name: "loss"),
                                                   page: PageRequest())
        #expect(page.totalCount == 1)
        #expect(page.items.first?.values == [3, 2, 1])
    }

    @Test func metricsArePaginatedWithTheirTotal() async throws {
        let (h, execution) = try await Self.harness()
        for index in 0..<5 {
            try await h.metrics.record(name: "m\(index)", value: Double(index), executionID: execution.id, principal: h.principal)
            h.clock.advance(by: 1)
        }
        let second = try await h.metrics.metrics(workspaceID: h.workspace.id, filter: MetricFilter(),
                                                 page: PageRequest(page: 2, itemsPerPage: 2))
        #expect(second.totalCount == 5)
        #expect(second.items.map(\.name) == ["m2", "m3"])
        let filtered = try await h.metrics.metrics(workspaceID: h.workspace.id, filter: MetricFilter(name: "m4"),
                                                   page: PageRequest())
        #expect(filtered.items.map(\.value) == [4])
    }

    @Test func badMetricRequestsAreRefused() async throws {
        let (h, execution) = try await Self.harness()
        for (name, value) in [("", 1.0), ("a/b", 1.0), ("ok", Double.nan), ("ok", Double.infinity)] {
            await expectRefusedUnchanged(.badRequest, in: h.store) {
                try await h.metrics.record(name: name, value: value, executionID: execution.id, principal: h.principal)
            }
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "execution_id is required") {
            try await h.metrics.record(name: "ok", value: 1, executionID: nil, principal: h.principal)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "must not be empty") {
            try await h.metrics.append(name: "ok", values: [], executionID: execution.id, principal: h.principal)
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.metrics.record(name: "ok", value: 1, executionID: "no-such-execution", principal: h.principal)
        }
    }

    @Test func executionTokenMayOnlyRecordItsOwnMetrics() async throws {
        let (h, execution) = try await Self.harness()
        let own = Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .execution, executionID: execution.id)
        try await h.metrics.record(name: "own", value: 1, executionID: execution.id, principal: own)
        let other = Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .execution, executionID: "other")
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "its own metrics") {
            try await h.metrics.record(name: "theirs", value: 1, executionID: execution.id, principal: other)
        }
    }

    @Test func deploymentTokenMayOnlyRecordMetricsOfItsRunningExecutions() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model")
        let deployment = try await h.deployments.create(
            DeploymentRequest(pipelineName: "model", name: "serve", rule: .endpoint, mode: .lowLatency),
            workspace: h.workspace, principal: h.principal)
        let started = LockedBox<Bool>(false)
        let gate = LockedBox<Bool>(false)
        h.residents.respond { _ in
            started.set(true)
            while !gate.value { try? await Task.sleep(for: .milliseconds(2)) }
            return .returned([:])
        }
        let (execution, handle) = try await h.deployments.trigger(deployment, values: [:], files: [:], trigger: .endpoint)
        try await h.eventually("the execution runs") { started.value }
        let worker = Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .deployment,
                               executionID: deployment.id)
        try await h.metrics.record(name: "latency", value: 12, executionID: execution.id, principal: worker)
        let stranger = Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .deployment,
                                 executionID: "another-deployment")
        await expectRefusedUnchanged(.forbidden, in: h.store) {
            try await h.metrics.record(name: "latency", value: 13, executionID: execution.id, principal: stranger)
        }
        gate.set(true)
        _ = await handle.result(within: .seconds(10))
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "running executions") {
            try await h.metrics.record(name: "late", value: 1, executionID: execution.id, principal: worker)
        }
        let page = try await h.metrics.metrics(workspaceID: h.workspace.id, filter: MetricFilter(deploymentName: "serve"),
                                               page: PageRequest())
        #expect(page.items.map(\.value) == [12])
    }
}
