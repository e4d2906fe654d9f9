import Foundation
import Testing

@testable import SlipwayCore

/// The fake store's own semantics where services rely on them matching the SQL store:
/// transactions, compare-and-set, uniqueness, prefix listing and execution transitions.
@Suite struct InMemoryMetadataStoreTests {
    static let date = Date(timeIntervalSince1970: 1_800_000_000)

    static func workspace(_ name: String) -> Workspace {
        Workspace(id: "id-\(name)", name: name, createdAt: date)
    }

    static func execution(_ id: String, status: ExecutionStatus = .pending) -> Execution {
        Execution(id: id, workspaceID: "w", pipelineID: "p", pipelineName: "p", stepID: "s", deploymentName: nil,
                  trigger: .run, status: status, createdAt: date, createdBy: "u")
    }

    @Test func transactionCommitsAllItsWrites() async throws {
        let store = InMemoryMetadataStore()
        let name = try await store.transaction { view in
            try await view.createWorkspace(Self.workspace("a"))
            try await view.createWorkspace(Self.workspace("b"))
            return "done"
        }
        #expect(name == "done")
        #expect(store.snapshot.workspaces.map(\.name) == ["a", "b"])
    }

    @Test func transactionThatThrowsLeavesNothing() async throws {
        let store = InMemoryMetadataStore()
        try await store.createWorkspace(Self.workspace("kept"))
        let before = store.snapshot
        await expectSlipwayError(.conflict) {
            try await store.transaction { view in
                try await view.createWorkspace(Self.workspace("new"))
                try await view.createWorkspace(Self.workspace("kept"))
            }
        }
        #expect(store.snapshot == before)
    }

    @Test func uniquenessFollowsTheSchema() async throws {
        let store = InMemoryMetadataStore()
        try await store.createWorkspace(Self.workspace("a"))
        await expectSlipwayError(.conflict) {
            try await store.createWorkspace(Workspace(id: "other-id", name: "a", createdAt: Self.date))
        }
        let deployment = Deployment(id: "d1", workspaceID: "w", name: "d", pipelineID: "p", pipelineName: "p", stepID: "s",
                                    rule: .periodic, mode: .elastic, status: .ready, createdAt: Self.date, createdBy: "u")
        try await store.insertDeployment(deployment)
        var second = deployment
        second.id = "d2"
        second.name = "e"
        // Deployments without an endpoint path never collide on it (NULLs are distinct in SQL).
        try await store.insertDeployment(second)
        var third = deployment
        third.id = "d3"
        await expectSlipwayError(.conflict) { try await store.insertDeployment(third) }
    }

    @Test func executionTransitionsAreCompareAndSet() async throws {
        let store = InMemoryMetadataStore()
        try await store.insertExecution(Self.execution("e"), inputs: [],
                                        outputs: [ExecutionOutput(name: "o", dataType: .number, destination: .run)])
        let start = Self.date.addingTimeInterval(1)
        #expect(try await store.updateExecutionStatus(id: "e", from: .pending, to: .running, at: start, message: nil))
        #expect(try await !store.updateExecutionStatus(id: "e", from: .pending, to: .running, at: start, message: nil))
        let end = Self.date.addingTimeInterval(2)
        let produced = [ExecutionOutput(name: "o", dataType: .number, destination: .run, value: .number(1))]
        let line = LogLine(timestamp: end, stream: .stdout, message: "bye")
        #expect(try await !store.finishExecution(id: "e", from: .pending, to: .succeeded, at: end, message: nil,
                                                 outputs: produced, logs: [line]))
        #expect(try await store.outputs(executionID: "e").first?.value == nil)
        #expect(try await store.finishExecution(id: "e", from: .running, to: .succeeded, at: end, message: nil,
                                                outputs: produced, logs: [line]))
        let stored = try #require(try await store.execution(id: "e"))
        #expect(stored.status == .succeeded)
        #expect(stored.startedAt == start)
        #expect(stored.endedAt == end)
        #expect(try await store.outputs(executionID: "e").first?.value == .number(1))
        #expect(try await store.logs(subject: .execution("e"), query: LogQuery()) == [line])
    }

    @Test func prefixListingHonoursAfterAndLimit() async throws {
        let store = InMemoryMetadataStore()
        for path in ["a/1", "a/2", "a/3", "a0", "b/1"] {
            _ = try await store.putObject(DataObject(workspaceID: "w", path: path, size: 1, blob: path, etag: "e",
                                                     lastModified: Self.date))
        }
        #expect(try await store.listObjects(workspaceID: "w", prefix: "a/", after: nil, limit: 10).map(\.path)
            == ["a/1", "a/2", "a/3"])
        #expect(try await store.listObjects(workspaceID: "w", prefix: "a/", after: "a/1", limit: 1).map(\.path) == ["a/2"])
        #expect(try await store.listObjects(workspaceID: "w", prefix: "", after: "a/3", limit: 10).map(\.path)
            == ["a0", "b/1"])
    }

    @Test func logWindowsAreInclusive() async throws {
        let store = InMemoryMetadataStore()
        let lines = (0..<4).map { LogLine(timestamp: Self.date.addingTimeInterval(Double($0)), stream: .stdout, message: "\($0)") }
        try await store.appendLogs(lines, subject: .step("s"))
        let window = try await store.logs(subject: .step("s"), query: LogQuery(from: lines[1].timestamp, to: lines[2].timestamp))
        #expect(window.map(\.message) == ["1", "2"])
        #expect(try await store.logs(subject: .step("other"), query: LogQuery()).isEmpty)
    }

    @Test func transactionRerunsItsBodyWhenAnotherWriteCameBetween() async throws {
        let store = InMemoryMetadataStore()
        let runs = LockedBox(0)
        try await store.transaction { view in
            runs.update { $0 += 1 }
            // The first run is overtaken by a write outside the transaction: it must not be lost.
            if runs.value == 1 { try await store.createWorkspace(Self.workspace("outside")) }
            try await view.createWorkspace(Self.workspace("inside-\(runs.value)"))
        }
        #expect(runs.value == 2)
        #expect(store.snapshot.workspaces.map(\.name) == ["outside", "inside-2"])
    }

    @Test func metricsPageInCreationOrderAndListSeriesKeepBatchOrder() async throws {
        let store = InMemoryMetadataStore()
        for (index, name) in ["c", "a", "b"].enumerated() {
            try await store.upsertMetric(workspaceID: "w", MetricValue(name: name, value: Double(index), executionID: "e",
                                                                        pipelineName: "p", deploymentName: nil,
                                                                        createdAt: Self.date.addingTimeInterval(Double(index))))
        }
        let page = try await store.metrics(workspaceID: "w", filter: MetricFilter(), page: PageRequest(page: 1, itemsPerPage: 2))
        #expect(page.items.map(\.name) == ["c", "a"])
        #expect(page.totalCount == 3)
        for (execution, values) in [("e2", [1.0]), ("e1", [2.0]), ("e2", [3.0])] {
            try await store.appendListMetric(workspaceID: "w", ListMetric(name: "loss", values: values, executionID: execution,
                                                                         pipelineName: "p", deploymentName: nil,
                                                                         createdAt: Self.date))
        }
        let series = try await store.listMetrics(workspaceID: "w", filter: MetricFilter(), page: PageRequest())
        #expect(series.items.map(\.executionID) == ["e2", "e1"])
        #expect(series.items.map(\.values) == [[1, 3], [2]])
        #expect(try await store.listMetrics(workspaceID: "w", filter: MetricFilter(), page: PageRequest(page: 2, itemsPerPage: 1))
            .items.map(\.executionID) == ["e1"])
    }
}
