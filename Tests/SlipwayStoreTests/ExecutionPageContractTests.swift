import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Paged, filtered, sorted execution listings, on every backend.
@Suite("Execution page contract")
struct ExecutionPageContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func execution(_ index: Int, workspace: String = "ws1") -> Execution {
        Execution(id: String(format: "e%03d", index), workspaceID: workspace, pipelineID: "pid",
                  pipelineName: index % 2 == 0 ? "even" : "odd", stepID: "sid",
                  deploymentName: index % 3 == 0 ? "every-third" : nil, trigger: index % 3 == 0 ? .endpoint : .run,
                  status: index % 5 == 0 ? .failed : .succeeded, createdAt: t0.addingTimeInterval(Double(index)),
                  createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func pagesFiltersAndSorts(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            for index in 0..<30 { try await store.insertExecution(execution(index), inputs: [], outputs: []) }
            try await store.insertExecution(execution(99, workspace: "ws2"), inputs: [], outputs: [])

            let first = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", limit: 10))
            #expect(first.total == 30)
            #expect(first.executions.map(\.id) == (20..<30).reversed().map { String(format: "e%03d", $0) })
            let last = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", limit: 10, offset: 25))
            #expect(last.executions.map(\.id) == ["e004", "e003", "e002", "e001", "e000"])
            let beyond = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", limit: 10, offset: 40))
            #expect(beyond.executions.isEmpty && beyond.total == 30)

            let failed = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", status: .failed))
            #expect(failed.total == 6 && failed.executions.allSatisfy { $0.status == .failed })
            let evenEndpoint = try await store.executionPage(ExecutionQuery(
                workspaceID: "ws1", pipelineName: "even", trigger: .endpoint))
            #expect(evenEndpoint.executions.map(\.id) == ["e024", "e018", "e012", "e006", "e000"])
            let deployed = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", deploymentName: "every-third"))
            #expect(deployed.total == 10)
            let window = try await store.executionPage(ExecutionQuery(
                workspaceID: "ws1", createdFrom: t0.addingTimeInterval(10), createdBefore: t0.addingTimeInterval(13),
                descending: false))
            #expect(window.executions.map(\.id) == ["e010", "e011", "e012"])

            let byPipeline = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", sort: .pipeline,
                                                                          descending: false, limit: 16))
            #expect(byPipeline.executions.prefix(15).allSatisfy { $0.pipelineName == "even" })
            #expect(byPipeline.executions.last?.pipelineName == "odd")
            #expect(byPipeline.executions.first?.id == "e000", "ties in creation order")

            let other = try await store.executionPage(ExecutionQuery(workspaceID: "ws2"))
            #expect(other.executions.map(\.id) == ["e099"])
            let nameWithQuote = try await store.executionPage(ExecutionQuery(workspaceID: "ws1", pipelineName: "x' OR '1'='1"))
            #expect(nameWithQuote.total == 0, "filters are bound, not spliced")
        }
    }
}
