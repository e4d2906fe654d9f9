import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Experiments, tracked runs, metric history, latest metrics, searches and logged models, run
/// against every backend.
@Suite("Tracking store contract")
struct TrackingStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func experiment(_ id: String, _ name: String, workspace: String = "ws1", offset: Double = 0) -> Experiment {
        Experiment(id: id, workspaceID: workspace, name: name, artifactLocation: id, createdAt: t0.addingTimeInterval(offset),
                   updatedAt: t0.addingTimeInterval(offset), tags: ["team": "a"])
    }

    func run(_ id: String, experiment: String = "0", workspace: String = "ws1", start: Int64 = 0) -> TrackedRun {
        TrackedRun(id: id, workspaceID: workspace, experimentID: experiment, name: "name-\(id)", userID: "u", status: .running,
                   startTime: start, endTime: nil, params: ["p": id], tags: ["t": "v-\(id)"])
    }

    @Test(arguments: StoreBackendKind.available)
    func experimentsAreScopedAndUnique(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertExperiment(experiment("0", "Default"))
            try await store.insertExperiment(experiment("0", "Default", workspace: "ws2"))
            try await store.insertExperiment(experiment("11", "churn", offset: 1))
            await #expect(throws: SlipwayError.self) { try await store.insertExperiment(experiment("12", "churn")) }
            await #expect(throws: SlipwayError.self) { try await store.insertExperiment(experiment("11", "other")) }
            #expect(try await store.experiment(workspaceID: "ws1", id: "11")?.tags == ["team": "a"])
            #expect(try await store.experiment(workspaceID: "ws2", id: "11") == nil)
            #expect(try await store.experiment(workspaceID: "ws1", name: "churn")?.id == "11")

            #expect(try await store.updateExperiment(workspaceID: "ws1", id: "11", name: "renamed", lifecycle: .deleted, at: t0))
            await #expect(throws: SlipwayError.self) {
                try await store.updateExperiment(workspaceID: "ws1", id: "11", name: "Default", lifecycle: nil, at: t0)
            }
            #expect(try await store.updateExperiment(workspaceID: "ws2", id: "11", name: "x", lifecycle: nil, at: t0) == false)
            try await store.setExperimentTag(workspaceID: "ws1", id: "11", key: "stage", value: "dev")
            try await store.setExperimentTag(workspaceID: "ws1", id: "11", key: "team", value: nil)
            let stored = try #require(try await store.experiment(workspaceID: "ws1", id: "11"))
            #expect(stored.name == "renamed" && stored.lifecycle == .deleted && stored.tags == ["stage": "dev"])

            let active = try await store.searchExperiments(ExperimentQuery(workspaceID: "ws1"))
            #expect(active.map(\.id) == ["0"])
            let all = try await store.searchExperiments(ExperimentQuery(workspaceID: "ws1", lifecycle: .all,
                                                                        order: [.init(.name, ascending: true)]))
            #expect(all.map(\.name) == ["Default", "renamed"])
            let liked = try await store.searchExperiments(ExperimentQuery(
                workspaceID: "ws1", lifecycle: .all, predicates: [.init(.name, .like, .text("ren%")), .init(.tag("stage"), .equal, .text("dev"))]))
            #expect(liked.map(\.id) == ["11"])
            let caseSensitive = try await store.searchExperiments(ExperimentQuery(
                workspaceID: "ws1", lifecycle: .all, predicates: [.init(.name, .like, .text("REN%"))]))
            #expect(caseSensitive.isEmpty)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func runsWithDataAndLatestMetrics(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertRun(run("r1"))
            #expect(try await store.run(workspaceID: "ws2", id: "r1") == nil)
            try await store.appendRunData(runID: "r1", metrics: [
                RunMetric(key: "loss", value: 3, timestamp: 10, step: 2),
                RunMetric(key: "loss", value: 9, timestamp: 99, step: 1),
                RunMetric(key: "odd", value: .nan, timestamp: 1, step: 0),
                RunMetric(key: "big", value: .infinity, timestamp: 1, step: 0, modelID: "m-1", datasetName: "d", datasetDigest: "x"),
            ], params: [(key: "lr", value: "0.1")], tags: [(key: "t", value: "changed"), (key: "u", value: "1")], deletedTags: [])
            try await store.appendRunData(runID: "r1", metrics: [RunMetric(key: "loss", value: 1, timestamp: 11, step: 2)],
                                          params: [(key: "lr", value: "ignored")], tags: [], deletedTags: ["u"])
            let stored = try #require(try await store.run(workspaceID: "ws1", id: "r1"))
            #expect(stored.params == ["p": "r1", "lr": "0.1"])
            #expect(stored.tags == ["t": "changed"])
            #expect(stored.metrics.map(\.key) == ["big", "loss", "odd"])
            #expect(stored.metrics[1] == RunMetric(key: "loss", value: 1, timestamp: 11, step: 2))
            #expect(stored.metrics[0].value == .infinity)
            #expect(stored.metrics[2].value.isNaN)
            #expect(try await store.params(runID: "r1", keys: ["lr", "nope"]) == ["lr": "0.1"])

            let history = try await store.metricHistory(runID: "r1", key: "loss", limit: 10, offset: 0)
            #expect(history.map(\.value) == [9, 3, 1])
            #expect(try await store.metricHistory(runID: "r1", key: "loss", limit: 1, offset: 1).map(\.value) == [3])
            let big = try await store.metricHistory(runID: "r1", key: "big", limit: 10, offset: 0)
            #expect(big.first?.modelID == "m-1" && big.first?.datasetDigest == "x")

            #expect(try await store.updateRun(workspaceID: "ws1", id: "r1", name: "n", status: .finished, endTime: 50, lifecycle: nil))
            #expect(try await store.updateRun(workspaceID: "ws2", id: "r1", name: "n", status: nil, endTime: nil, lifecycle: nil) == false)
            let finished = try #require(try await store.run(workspaceID: "ws1", id: "r1"))
            #expect(finished.name == "n" && finished.status == .finished && finished.endTime == 50)

            try await store.addRunInputs(runID: "r1", [RunDatasetInput(name: "d", digest: "1", sourceType: "code", source: "{}",
                                                                        schema: "{}", context: "training", tags: ["a": "b"])])
            try await store.addRunInputs(runID: "r1", [RunDatasetInput(name: "d", digest: "1", sourceType: "code", source: "{}")])
            let inputs = try #require(try await store.run(workspaceID: "ws1", id: "r1")).inputs
            #expect(inputs.count == 1 && inputs[0].context == "training" && inputs[0].tags == ["a": "b"])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func searchRunsByEveryKindOfPredicate(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            for i in 0..<5 {
                var r = run("r\(i)", start: Int64(i))
                r.status = i == 4 ? .failed : .running
                try await store.insertRun(r)
                try await store.appendRunData(runID: r.id, metrics: [RunMetric(key: "acc", value: Double(i) / 10, timestamp: 0, step: 0)],
                                              params: [(key: "model", value: i < 2 ? "tree" : "forest")], tags: [], deletedTags: [])
            }
            try await store.insertRun(run("other", workspace: "ws2"))
            func search(_ predicates: [RunPredicate], order: [RunOrder] = [], limit: Int = 100, offset: Int = 0,
                        lifecycle: LifecycleFilter = .active) async throws -> [String] {
                try await store.searchRuns(RunQuery(workspaceID: "ws1", experimentIDs: ["0"], lifecycle: lifecycle,
                                                    predicates: predicates, order: order, limit: limit, offset: offset)).map(\.id)
            }
            #expect(try await search([]) == ["r4", "r3", "r2", "r1", "r0"])
            #expect(try await search([RunPredicate(.metric("acc"), .greaterOrEqual, .number(0.3))]) == ["r4", "r3"])
            #expect(try await search([RunPredicate(.metric("acc"), .notEqual, .number(0))]) == ["r4", "r3", "r2", "r1"])
            #expect(try await search([RunPredicate(.metric("missing"), .less, .number(1))]).isEmpty)
            #expect(try await search([RunPredicate(.param("model"), .equal, .text("tree"))]) == ["r1", "r0"])
            #expect(try await search([RunPredicate(.param("model"), .notEqual, .text("tree"))]) == ["r4", "r3", "r2"])
            #expect(try await search([RunPredicate(.param("model"), .like, .text("%RES%"))]).isEmpty)
            #expect(try await search([RunPredicate(.param("model"), .ilike, .text("%RES%"))]) == ["r4", "r3", "r2"])
            #expect(try await search([RunPredicate(.param("model"), .like, .text("t_ee"))]) == ["r1", "r0"])
            #expect(try await search([RunPredicate(.tag("t"), .equal, .text("v-r2"))]) == ["r2"])
            #expect(try await search([RunPredicate(.tag("none"), .isNull, .none)]).count == 5)
            #expect(try await search([RunPredicate(.tag("t"), .isNotNull, .none)]).count == 5)
            #expect(try await search([RunPredicate(.attribute(.status), .equal, .text("FAILED"))]) == ["r4"])
            #expect(try await search([RunPredicate(.attribute(.runID), .isIn, .texts(["r0", "r3", "other"]))]) == ["r3", "r0"])
            #expect(try await search([RunPredicate(.attribute(.runID), .notIn, .texts(["r0"]))]) == ["r4", "r3", "r2", "r1"])
            #expect(try await search([RunPredicate(.attribute(.startTime), .less, .number(2))]) == ["r1", "r0"])
            #expect(try await search([RunPredicate(.attribute(.artifactURI), .like, .text("0/r1/%"))]) == ["r1"])
            #expect(try await search([RunPredicate(.metric("acc"), .greater, .number(0.05)),
                                      RunPredicate(.param("model"), .equal, .text("tree"))]) == ["r1"])

            #expect(try await search([], order: [RunOrder(.metric("acc"), ascending: true)]) == ["r0", "r1", "r2", "r3", "r4"])
            #expect(try await search([], order: [RunOrder(.param("model"), ascending: false)]) == ["r1", "r0", "r4", "r3", "r2"])
            #expect(try await search([], order: [RunOrder(.metric("missing"), ascending: true)]) == ["r4", "r3", "r2", "r1", "r0"])
            #expect(try await search([], order: [RunOrder(.metric("acc"), ascending: true)], limit: 2, offset: 2) == ["r2", "r3"])

            _ = try await store.updateRun(workspaceID: "ws1", id: "r0", name: nil, status: nil, endTime: nil, lifecycle: .deleted)
            #expect(try await search([]).count == 4)
            #expect(try await search([], lifecycle: .deleted) == ["r0"])
            #expect(try await search([], lifecycle: .all).count == 5)
            let page = try await store.searchRuns(RunQuery(workspaceID: "ws1", experimentIDs: ["0"], limit: 1))
            #expect(page.first?.params["model"] == "forest" && page.first?.metrics.first?.value == 0.4)

            let histories = try await store.metricHistories(runIDs: ["r1", "r2"], key: "acc", startStep: 0, endStep: 0, limitPerRun: 5)
            #expect(histories.map(\.runID) == ["r1", "r2"])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func loggedModels(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let model = LoggedModel(id: "m-1", workspaceID: "ws1", experimentID: "0", name: "clf", sourceRunID: "r1",
                                    modelType: "sk", createdAt: 1, updatedAt: 1, tags: ["a": "b"], params: ["p": "1"])
            try await store.insertLoggedModel(model)
            #expect(try await store.loggedModel(workspaceID: "ws1", id: "m-1") == model)
            #expect(try await store.loggedModel(workspaceID: "ws2", id: "m-1") == nil)
            #expect(try await store.updateLoggedModel(workspaceID: "ws1", id: "m-1", status: .ready, statusMessage: nil,
                                                      lifecycle: nil, at: 5))
            try await store.setLoggedModelData(workspaceID: "ws1", id: "m-1", tags: [(key: "c", value: "d")],
                                               params: [(key: "p", value: "2"), (key: "q", value: "3")], deletedTags: ["a"])
            let stored = try #require(try await store.loggedModel(workspaceID: "ws1", id: "m-1"))
            #expect(stored.status == .ready && stored.updatedAt == 5 && stored.tags == ["c": "d"] && stored.params == ["p": "1", "q": "3"])
            #expect(try await store.searchLoggedModels(workspaceID: "ws1", experimentIDs: ["0"], limit: 10, offset: 0).map(\.id) == ["m-1"])
            _ = try await store.updateLoggedModel(workspaceID: "ws1", id: "m-1", status: nil, statusMessage: nil, lifecycle: .deleted, at: 6)
            #expect(try await store.searchLoggedModels(workspaceID: "ws1", experimentIDs: ["0"], limit: 10, offset: 0).isEmpty)
        }
    }
}
