import Foundation
import Testing

@testable import SlipwayCore

/// Tracking rules: the default experiment, unique names per workspace, workspace isolation,
/// immutable parameters, batch limits (refused batches change nothing), lifecycle, latest
/// metric values, searches and executions shown as read-only runs.
@Suite struct TrackingServiceTests {
    static func harness() async throws -> (ServiceHarness, TrackingService) {
        let h = try await ServiceHarness.make()
        let tracking = TrackingService(platform: h.platform)
        try await tracking.defaultExperiment(workspaceID: h.workspace.id)
        return (h, tracking)
    }

    @Test func defaultExperimentIsZeroInEveryWorkspace() async throws {
        let (h, tracking) = try await Self.harness()
        let mine = try await tracking.experiment(workspaceID: h.workspace.id, id: "0")
        let other = try await tracking.experiment(workspaceID: "another-workspace", id: "0")
        #expect(mine.name == "Default" && other.name == "Default")
        #expect(mine.workspaceID == h.workspace.id && other.workspaceID == "another-workspace")
        await expectSlipwayError(.badRequest, message: "cannot be deleted") {
            try await tracking.setExperimentLifecycle(workspaceID: h.workspace.id, id: "0", .deleted)
        }
    }

    @Test func experimentNamesAreUniquePerWorkspace() async throws {
        let (h, tracking) = try await Self.harness()
        let first = try await tracking.createExperiment(workspaceID: h.workspace.id, name: "churn")
        #expect(first.id.count == 18 && first.artifactLocation == first.id)
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await tracking.createExperiment(workspaceID: h.workspace.id, name: "churn")
        }
        try await tracking.defaultExperiment(workspaceID: "ws-2")
        let elsewhere = try await tracking.createExperiment(workspaceID: "ws-2", name: "churn")
        #expect(elsewhere.id != first.id)
        await expectSlipwayError(.notFound) { try await tracking.experiment(workspaceID: "ws-2", id: first.id) }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "must not be empty") {
            try await tracking.createExperiment(workspaceID: h.workspace.id, name: "  ")
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "limit is 500") {
            try await tracking.createExperiment(workspaceID: h.workspace.id, name: String(repeating: "x", count: 501))
        }
    }

    @Test func renameDeleteRestore() async throws {
        let (h, tracking) = try await Self.harness()
        let experiment = try await tracking.createExperiment(workspaceID: h.workspace.id, name: "a")
        _ = try await tracking.createExperiment(workspaceID: h.workspace.id, name: "b")
        await expectRefusedUnchanged(.conflict, in: h.store) {
            try await tracking.renameExperiment(workspaceID: h.workspace.id, id: experiment.id, newName: "b")
        }
        try await tracking.renameExperiment(workspaceID: h.workspace.id, id: experiment.id, newName: "c")
        #expect(try await tracking.experiment(workspaceID: h.workspace.id, name: "c").id == experiment.id)
        try await tracking.setExperimentLifecycle(workspaceID: h.workspace.id, id: experiment.id, .deleted)
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "deleted") {
            try await tracking.createRun(workspaceID: h.workspace.id, experimentID: experiment.id, userID: "u", name: nil,
                                         startTime: nil, tags: [])
        }
        try await tracking.setExperimentLifecycle(workspaceID: h.workspace.id, id: experiment.id, .active)
        #expect(try await tracking.experiment(workspaceID: h.workspace.id, id: experiment.id).lifecycle == .active)
    }

    func run(_ h: ServiceHarness, _ tracking: TrackingService) async throws -> TrackedRun {
        try await tracking.createRun(workspaceID: h.workspace.id, experimentID: "0", userID: "alice", name: "r", startTime: 5,
                                     tags: [(key: "k", value: "v")])
    }

    @Test func paramsAreImmutableOnceLogged() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(params: [(key: "lr", value: "0.1")]))
        try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(params: [(key: "lr", value: "0.1")]))
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "Changing param values is not allowed") {
            try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(
                metrics: [RunMetric(key: "m", value: 1, timestamp: 1, step: 0)], params: [(key: "lr", value: "0.2")],
                tags: [(key: "t", value: "x")]))
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "Duplicate parameter keys") {
            try await tracking.log(workspaceID: h.workspace.id, runID: run.id,
                                   RunDataBatch(params: [(key: "a", value: "1"), (key: "a", value: "2")]))
        }
        #expect(try await tracking.run(workspaceID: h.workspace.id, id: run.id).params == ["lr": "0.1"])
    }

    @Test func batchLimitsRefuseWholeBatches() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        let metric = { (i: Int) in RunMetric(key: "m\(i)", value: 1, timestamp: 0, step: 0) }
        let cases: [(RunDataBatch, String)] = [
            (RunDataBatch(metrics: (0..<1001).map(metric)), "at most 1000 metrics"),
            (RunDataBatch(params: (0..<101).map { (key: "p\($0)", value: "v") }), "at most 100 params"),
            (RunDataBatch(tags: (0..<101).map { (key: "t\($0)", value: "v") }), "at most 100 tags"),
            (RunDataBatch(metrics: (0..<901).map(metric), params: (0..<100).map { (key: "p\($0)", value: "v") }), "in total"),
            (RunDataBatch(params: [(key: "p", value: String(repeating: "x", count: 6001))]), "limit is 6000"),
            (RunDataBatch(tags: [(key: "t", value: String(repeating: "x", count: 8001))]), "limit is 8000"),
            (RunDataBatch(metrics: [RunMetric(key: String(repeating: "k", count: 251), value: 1, timestamp: 0, step: 0)]), "limit is 250"),
            (RunDataBatch(metrics: [RunMetric(key: "../escape", value: 1, timestamp: 0, step: 0)]), "without '..'"),
            (RunDataBatch(params: [(key: "", value: "v")]), "must not be empty"),
        ]
        for (batch, message) in cases {
            await expectRefusedUnchanged(.badRequest, in: h.store, message: message) {
                try await tracking.log(workspaceID: h.workspace.id, runID: run.id, batch)
            }
        }
        try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(
            metrics: (0..<900).map(metric), params: (0..<50).map { (key: "p\($0)", value: "v") },
            tags: (0..<50).map { (key: "t\($0)", value: "v") }))
        let stored = try await tracking.run(workspaceID: h.workspace.id, id: run.id)
        #expect(stored.metrics.count == 900 && stored.params.count == 50 && stored.tags.count == 51)
    }

    @Test func latestMetricIsTheHighestStepThenLatestTime() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(metrics: [
            RunMetric(key: "loss", value: 3, timestamp: 10, step: 2),
            RunMetric(key: "loss", value: 9, timestamp: 99, step: 1),
        ]))
        try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(metrics: [
            RunMetric(key: "loss", value: 1, timestamp: 11, step: 2),
            RunMetric(key: "loss", value: 7, timestamp: 5, step: 0),
        ]))
        let stored = try await tracking.run(workspaceID: h.workspace.id, id: run.id)
        #expect(stored.metrics == [RunMetric(key: "loss", value: 1, timestamp: 11, step: 2)])
        let history = try await tracking.metricHistory(workspaceID: h.workspace.id, runID: run.id, key: "loss", limit: 10, offset: 0)
        #expect(history.map(\.step) == [0, 1, 2, 2])
        let page = try await tracking.metricHistory(workspaceID: h.workspace.id, runID: run.id, key: "loss", limit: 2, offset: 2)
        #expect(page.map(\.value) == [3, 1])
        await expectSlipwayError(.badRequest) {
            try await tracking.metricHistory(workspaceID: h.workspace.id, runID: run.id, key: "loss", limit: 25_002, offset: 0)
        }
    }

    @Test func deletedRunsRefuseWritesAndHideFromSearch() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        try await tracking.setRunLifecycle(workspaceID: h.workspace.id, id: run.id, .deleted)
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "deleted") {
            try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(tags: [(key: "a", value: "b")]))
        }
        #expect(try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: ["0"])).isEmpty)
        let deleted = try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: ["0"], lifecycle: .deleted))
        #expect(deleted.map(\.id) == [run.id])
        try await tracking.setRunLifecycle(workspaceID: h.workspace.id, id: run.id, .active)
        #expect(try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: ["0"])).map(\.id) == [run.id])
    }

    @Test func runsOfAnotherWorkspaceAreNotFound() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        await expectSlipwayError(.notFound) { try await tracking.run(workspaceID: "elsewhere", id: run.id) }
        await expectSlipwayError(.notFound) {
            try await tracking.log(workspaceID: "elsewhere", runID: run.id, RunDataBatch(tags: [(key: "a", value: "b")]))
        }
        #expect(try await tracking.searchRuns(RunQuery(workspaceID: "elsewhere", experimentIDs: ["0"])).isEmpty)
    }

    @Test func searchFiltersAndOrders() async throws {
        let (h, tracking) = try await Self.harness()
        var ids: [String] = []
        for i in 0..<4 {
            let run = try await tracking.createRun(workspaceID: h.workspace.id, experimentID: "0", userID: "u", name: "r\(i)",
                                                   startTime: Int64(i), tags: [])
            try await tracking.log(workspaceID: h.workspace.id, runID: run.id, RunDataBatch(
                metrics: [RunMetric(key: "acc", value: Double(i) / 10, timestamp: 0, step: 0)],
                params: [(key: "model", value: i < 2 ? "tree" : "forest")]))
            ids.append(run.id)
        }
        func search(_ predicates: [RunPredicate], _ order: [RunOrder] = []) async throws -> [String] {
            try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: ["0"], predicates: predicates,
                                                   order: order)).map(\.id)
        }
        #expect(try await search([RunPredicate(.metric("acc"), .greater, .number(0.15))]) == [ids[3], ids[2]])
        #expect(try await search([RunPredicate(.param("model"), .like, .text("tr%"))]) == [ids[1], ids[0]])
        #expect(try await search([RunPredicate(.param("model"), .like, .text("TR%"))]).isEmpty)
        #expect(try await search([RunPredicate(.param("model"), .ilike, .text("TR%"))]) == [ids[1], ids[0]])
        #expect(try await search([], [RunOrder(.metric("acc"), ascending: true)]) == ids)
        #expect(try await search([RunPredicate(.attribute(.runName), .isIn, .texts(["r1", "r3"]))]) == [ids[3], ids[1]])
    }

    @Test func executionsAreReadOnlyRunsOfTheirPipelineExperiment() async throws {
        let (h, tracking) = try await Self.harness()
        let (pipeline, step) = try await h.readyPipeline("trained")
        let execution = try await h.run(pipeline, step)
        try await h.metrics.append(name: "loss", values: [3, 2, 1], executionID: execution.id, principal: h.principal)
        try await h.metrics.record(name: "accuracy", value: 0.8, executionID: execution.id, principal: h.principal)

        let experiment = try await tracking.experiment(workspaceID: h.workspace.id, name: "pipelines/trained")
        #expect(experiment.id == "pipeline-" + pipeline.id)
        let run = try await tracking.run(workspaceID: h.workspace.id, id: execution.id)
        #expect(run.source == .execution && run.experimentID == experiment.id)
        #expect(run.tags["slipway.pipeline"] == "trained")
        #expect(run.tags["slipway.code_hash"] == step.codeDigest)
        #expect(Set(run.metrics.map(\.key)) == ["loss", "accuracy"])
        #expect(run.metrics.first { $0.key == "loss" }?.step == 2)

        let found = try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: [experiment.id],
                                                           predicates: [RunPredicate(.metric("accuracy"), .greater, .number(0.5))]))
        #expect(found.map(\.id) == [execution.id])
        let none = try await tracking.searchRuns(RunQuery(workspaceID: h.workspace.id, experimentIDs: [experiment.id],
                                                          predicates: [RunPredicate(.metric("accuracy"), .greater, .number(0.9))]))
        #expect(none.isEmpty)
        let history = try await tracking.metricHistory(workspaceID: h.workspace.id, runID: execution.id, key: "loss", limit: 10, offset: 0)
        #expect(history.map(\.value) == [3, 2, 1])

        await expectRefusedUnchanged(.forbidden, in: h.store, message: "read-only") {
            try await tracking.log(workspaceID: h.workspace.id, runID: execution.id, RunDataBatch(tags: [(key: "a", value: "b")]))
        }
        await expectRefusedUnchanged(.forbidden, in: h.store, message: "read-only") {
            try await tracking.createRun(workspaceID: h.workspace.id, experimentID: experiment.id, userID: "u", name: nil,
                                         startTime: nil, tags: [])
        }
        await expectSlipwayError(.notFound) { try await tracking.run(workspaceID: "elsewhere", id: execution.id) }
        await expectSlipwayError(.notFound) { try await tracking.experiment(workspaceID: "elsewhere", id: experiment.id) }
    }

    @Test func loggedModelsLiveUnderTheirExperiment() async throws {
        let (h, tracking) = try await Self.harness()
        let run = try await run(h, tracking)
        let model = try await tracking.createLoggedModel(workspaceID: h.workspace.id, experimentID: "0", name: "clf",
                                                         sourceRunID: run.id, modelType: nil, tags: [], params: [(key: "a", value: "1")])
        #expect(model.id.hasPrefix("m-") && model.id.count == 34)
        #expect(model.artifactPath == "0/models/\(model.id)/artifacts")
        #expect(try await tracking.loggedModelArtifactPath(id: model.id, workspaceID: h.workspace.id) == model.artifactPath)
        #expect(try await tracking.loggedModelArtifactPath(id: model.id, workspaceID: "elsewhere") == nil)
        let ready = try await tracking.finalizeLoggedModel(workspaceID: h.workspace.id, id: model.id, status: .ready)
        #expect(ready.status == .ready)
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "Changing param values") {
            try await tracking.logLoggedModelParams(workspaceID: h.workspace.id, id: model.id, params: [(key: "a", value: "2")])
        }
        let summary = try #require(try await tracking.runSummary(id: run.id, workspaceID: h.workspace.id))
        #expect(summary.artifactPath == "0/\(run.id)/artifacts" && summary.experimentName == "Default")
        #expect(try await tracking.runSummary(id: run.id, workspaceID: "elsewhere") == nil)
    }
}
