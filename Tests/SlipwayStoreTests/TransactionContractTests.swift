import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `MetadataStore.transaction`: writes through the view commit together or not at all.
@Suite("Store transactions contract")
struct TransactionContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    struct Refused: Error {}

    func execution(_ id: String) -> Execution {
        Execution(id: id, workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid", deploymentName: nil,
                  trigger: .run, status: .pending, createdAt: t0, createdBy: "u1")
    }

    func object(_ path: String) -> DataObject {
        DataObject(workspaceID: "ws1", path: path, size: 1, blob: "blob-\(path)", etag: "e", lastModified: t0)
    }

    @Test(arguments: StoreBackendKind.available)
    func writesCommitTogether(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let t0 = t0, execution = execution("e1"), object = object("a.txt")
            let seen = try await store.transaction { view in
                try await view.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
                try await view.insertExecution(execution, inputs: [], outputs: [])
                #expect(try await view.updateExecutionStatus(id: "e1", from: .pending, to: .running, at: t0, message: nil))
                try await view.appendLogs([LogLine(timestamp: t0, stream: .stdout, message: "in\u{0}side")],
                                          subject: .execution("e1"))
                _ = try await view.putObject(object)
                try await view.setVariables(workspaceID: "ws1", [EnvironmentVariable(name: "A", value: "1")])
                // The view reads its own uncommitted writes.
                return try await view.execution(id: "e1")?.status
            }
            #expect(seen == .running)
            #expect(try await store.workspace(id: "ws1")?.name == "default")
            #expect(try await store.execution(id: "e1")?.status == .running)
            #expect(try await store.logs(subject: .execution("e1"), query: LogQuery()).map(\.message) == ["in\u{0}side"])
            #expect(try await store.object(workspaceID: "ws1", path: "a.txt")?.blob == "blob-a.txt")
            #expect(try await store.variables(workspaceID: "ws1") == [EnvironmentVariable(name: "A", value: "1")])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aThrowingBodyLeavesNothing(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.createWorkspace(Workspace(id: "ws0", name: "before", createdAt: t0))
            let t0 = t0, execution = execution("e1"), object = object("a.txt")
            await #expect(throws: Refused.self) {
                try await store.transaction { view -> Void in
                    try await view.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
                    try await view.insertExecution(execution, inputs: [], outputs: [
                        ExecutionOutput(name: "b", dataType: .number, destination: .run)])
                    try await view.appendLogs([LogLine(timestamp: t0, stream: .stdout, message: "x")], subject: .execution("e1"))
                    _ = try await view.putObject(object)
                    try await view.setVariables(workspaceID: "ws1", [EnvironmentVariable(name: "A", value: "1")])
                    try await view.upsertMetric(workspaceID: "ws1", MetricValue(
                        name: "m", value: 1, executionID: "e1", pipelineName: "p1", deploymentName: nil, createdAt: t0))
                    throw Refused()
                }
            }
            #expect(try await store.workspace(id: "ws1") == nil)
            #expect(try await store.execution(id: "e1") == nil)
            #expect(try await store.outputs(executionID: "e1").isEmpty)
            #expect(try await store.logs(subject: .execution("e1"), query: LogQuery()).isEmpty)
            #expect(try await store.object(workspaceID: "ws1", path: "a.txt") == nil)
            #expect(try await store.variables(workspaceID: "ws1").isEmpty)
            #expect(try await store.metrics(workspaceID: "ws1", filter: MetricFilter(), page: PageRequest()).totalCount == 0)
            #expect(try await store.workspace(id: "ws0")?.name == "before", "what was committed before stays")
            // The store is usable afterwards, and the ids are free.
            try await store.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
            try await store.insertExecution(execution, inputs: [], outputs: [])
            #expect(try await store.execution(id: "e1") != nil)
        }
    }

    /// A failing statement (here a duplicate key) makes the whole transaction fail.
    @Test(arguments: StoreBackendKind.available)
    func aFailingWriteRollsBackTheOthers(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
            let t0 = t0, execution = execution("e1")
            await #expect(throws: (any Error).self) {
                try await store.transaction { view in
                    try await view.insertExecution(execution, inputs: [], outputs: [])
                    try await view.createWorkspace(Workspace(id: "ws2", name: "default", createdAt: t0))
                }
            }
            #expect(try await store.execution(id: "e1") == nil)
        }
    }

    /// Transactions of concurrent callers do not mix: each one's writes are all there.
    @Test(arguments: StoreBackendKind.available)
    func concurrentTransactionsAreIsolated(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let t0 = t0
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try? await store.transaction { view in
                            try await view.setVariables(workspaceID: "ws1", [EnvironmentVariable(name: "V\(index)", value: "\(index)")])
                            try await view.insertExecution(
                                Execution(id: "e\(index)", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1",
                                          stepID: "sid", deploymentName: nil, trigger: .run, status: .pending, createdAt: t0,
                                          createdBy: "u1"), inputs: [], outputs: [])
                            if index % 2 == 1 { throw Refused() }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let names = Set(try await store.variables(workspaceID: "ws1").map(\.name))
            #expect(names == Set((0..<20).filter { $0 % 2 == 0 }.map { "V\($0)" }))
            #expect(try await store.listExecutions(workspaceID: "ws1", pipelineName: nil).count == 10)
        }
    }
}
