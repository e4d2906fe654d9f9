import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `FilePipelineStore` and file attributes (migration 26), run against every backend: objects
/// keep their attributes (replaced on rewrite, updated only at their version); pipelines are
/// unique per (workspace, name) and round trip; a workflow is stored once per (pipeline, path,
/// version); claims are compare-and-set, expire, and guard every save; a failed workflow
/// requeues; deleting a pipeline deletes its workflows. A workspace's network policy for its
/// steps (migration 27) is on by default and switches.
@Suite("File pipeline store contract")
struct FilePipelineStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func pipeline(_ id: String, name: String, workspace: String = "ws1", enabled: Bool = true) throws -> FilePipeline {
        FilePipeline(id: id, workspaceID: workspace, name: name, description: "d", packageID: "pkg",
                     config: ["user": .sharedSetting("user"), "key": .secret("key"), "n": .literal(.number(3))],
                     condition: .all([.path(try GlobPattern("incoming/*.json")), .any([.category("RAW"), .label(name: "kind", value: nil)])]),
                     enabled: enabled, enabledAt: t0, createdBy: "u1", createdAt: t0)
    }

    func workflow(_ id: String, pipeline: String = "fp1", path: String = "incoming/a.json", version: String = "v1",
                  offset: Double = 0) -> FileWorkflow {
        FileWorkflow(id: id, pipelineID: pipeline, workspaceID: "ws1", filePath: path, fileVersion: version,
                     steps: [FileWorkflowStep(id: "one"), FileWorkflowStep(id: "two")], createdAt: t0.addingTimeInterval(offset))
    }

    @Test(arguments: StoreBackendKind.available)
    func objectsKeepTheirAttributes(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let attributes = FileAttributes(category: "PROCESSED", labels: [FileLabel(id: "l1", name: "kind", value: "hplc")],
                                            metadata: ["run": "7"], tags: ["t"], producedByPipeline: "fp1")
            let object = DataObject(workspaceID: "ws1", path: "a/b.json", size: 3, blob: "b1", etag: "e1", lastModified: t0,
                                    attributes: attributes)
            _ = try await store.putObject(object)
            #expect(try await store.object(workspaceID: "ws1", path: "a/b.json") == object)
            var changed = attributes
            changed.labels = []
            #expect(try await store.updateObjectAttributes(workspaceID: "ws1", path: "a/b.json", etag: "other", changed) == false)
            #expect(try await store.updateObjectAttributes(workspaceID: "ws1", path: "a/b.json", etag: "e1", changed))
            #expect(try await store.object(workspaceID: "ws1", path: "a/b.json")?.attributes == changed)
            // A rewrite replaces the attributes (a plain upload has none).
            _ = try await store.putObject(DataObject(workspaceID: "ws1", path: "a/b.json", size: 4, blob: "b2", etag: "e2", lastModified: t0))
            #expect(try await store.object(workspaceID: "ws1", path: "a/b.json")?.attributes == FileAttributes())
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func pipelinesAreUniquePerNameAndRoundTrip(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = try pipeline("fp1", name: "push")
            try await store.insertFilePipeline(first)
            #expect(try await store.filePipeline(id: "fp1") == first)
            await #expect(throws: SlipwayError.self) { try await store.insertFilePipeline(try pipeline("fp2", name: "push")) }
            try await store.insertFilePipeline(try pipeline("fp3", name: "push", workspace: "ws2"))
            try await store.insertFilePipeline(try pipeline("fp4", name: "archive", enabled: false))
            #expect(try await store.filePipelines(workspaceID: "ws1").map(\.id) == ["fp4", "fp1"])
            #expect(try await store.enabledFilePipelines(workspaceID: "ws1").map(\.id) == ["fp1"])
            #expect(Set(try await store.enabledFilePipelines(workspaceID: nil).map(\.id)) == ["fp1", "fp3"])
            var renamed = try pipeline("fp4", name: "push")
            await #expect(throws: SlipwayError.self) { _ = try await store.updateFilePipeline(renamed) }
            renamed.name = "archived"
            renamed.enabled = true
            #expect(try await store.updateFilePipeline(renamed))
            #expect(try await store.filePipeline(id: "fp4") == renamed)
            #expect(try await store.updateFilePipeline(try pipeline("missing", name: "x")) == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func workflowsAreStoredOncePerFileVersionAndClaimed(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertFilePipeline(try pipeline("fp1", name: "push"))
            #expect(try await store.insertFileWorkflow(workflow("w1")))
            #expect(try await store.insertFileWorkflow(workflow("w2")) == false)
            #expect(try await store.insertFileWorkflow(workflow("w3", version: "v2", offset: 1)))
            #expect(try await store.insertFileWorkflow(workflow("w4", path: "incoming/b.json", offset: 2)))
            #expect(try await store.fileWorkflowVersions(pipelineID: "fp1", paths: ["incoming/a.json", "nope"])
                == ["incoming/a.json\nv1", "incoming/a.json\nv2"])
            #expect(try await store.fileWorkflows(FileWorkflowQuery(workspaceID: "ws1", pipelineID: "fp1")).map(\.id) == ["w4", "w3", "w1"])
            #expect(try await store.fileWorkflows(FileWorkflowQuery(workspaceID: "ws1", filePath: "incoming/b.json")).map(\.id) == ["w4"])
            #expect(try await store.availableFileWorkflows(now: t0, limit: 10).map(\.id) == ["w1", "w3", "w4"])

            let now = t0.addingTimeInterval(10)
            let claimed = try #require(try await store.claimFileWorkflow(id: "w1", token: "a", until: now.addingTimeInterval(30), now: now))
            #expect(claimed.status == .running && claimed.attempts == 1 && claimed.startedAt == now && claimed.claimToken == "a")
            #expect(try await store.claimFileWorkflow(id: "w1", token: "b", until: now.addingTimeInterval(30), now: now) == nil)
            var progress = claimed
            progress.steps[0].status = .succeeded
            progress.steps[0].output = .object(["fileKey": .string("x")])
            #expect(try await store.saveFileWorkflow(progress, claimToken: "a"))
            #expect(try await store.saveFileWorkflow(progress, claimToken: "b") == false)
            #expect(try await store.extendFileWorkflowClaim(id: "w1", token: "a", until: now.addingTimeInterval(60)))
            #expect(try await store.availableFileWorkflows(now: now.addingTimeInterval(59), limit: 10).map(\.id) == ["w3", "w4"])
            // The claim expired: another attempt takes the workflow over; the old one can no longer save.
            let later = now.addingTimeInterval(61)
            let taken = try #require(try await store.claimFileWorkflow(id: "w1", token: "b", until: later.addingTimeInterval(30), now: later))
            #expect(taken.attempts == 2 && taken.steps[0].status == .succeeded && taken.startedAt == now)
            #expect(try await store.saveFileWorkflow(progress, claimToken: "a") == false)
            // A holder known to be gone (the only node restarted): taken over at once, times kept.
            let resumed = try #require(try await store.claimFileWorkflow(id: "w1", token: "c", until: later.addingTimeInterval(30),
                                                                         now: later, takeOver: true))
            #expect(resumed.attempts == 3 && resumed.startedAt == now && resumed.updatedAt == later)
            #expect(try await store.saveFileWorkflow(progress, claimToken: "b") == false)
            var failed = resumed
            FileWorkflowDispatcher.end(&failed, status: .failed, reason: "step two failed", at: later)
            #expect(try await store.saveFileWorkflow(failed, claimToken: "c"))
            #expect(try await store.fileWorkflow(id: "w1")?.status == .failed)
            #expect(try await store.requeueFileWorkflow(id: "w1", steps: [FileWorkflowStep(id: "one")], at: later))
            #expect(try await store.requeueFileWorkflow(id: "w1", steps: [], at: later) == false)
            let requeued = try #require(try await store.fileWorkflow(id: "w1"))
            #expect(requeued.status == .pending && requeued.failureReason == nil && requeued.steps == [FileWorkflowStep(id: "one")])

            #expect(try await store.deleteFilePipeline(id: "fp1"))
            #expect(try await store.fileWorkflow(id: "w1") == nil)
            #expect(try await store.deleteFilePipeline(id: "fp1") == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aWorkspacesStepsReachTheNetworkUnlessSwitchedOff(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let workspace = try await store.createWorkspace(Workspace(id: "wsn", name: "lab", createdAt: t0))
            #expect(workspace.allowsOutboundNetwork)
            #expect(try await store.setWorkspaceOutboundNetwork(id: "wsn", allowed: false))
            #expect(try await store.workspace(id: "wsn")?.allowsOutboundNetwork == false)
            #expect(try await store.workspace(named: "lab")?.allowsOutboundNetwork == false)
            #expect(try await store.setWorkspaceOutboundNetwork(id: "wsn", allowed: true))
            #expect(try await store.workspace(id: "wsn")?.allowsOutboundNetwork == true)
            #expect(try await store.setWorkspaceOutboundNetwork(id: "missing", allowed: false) == false)
        }
    }
}
