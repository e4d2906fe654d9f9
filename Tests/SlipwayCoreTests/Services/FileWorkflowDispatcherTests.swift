import Foundation
import Synchronization
import Testing

@testable import SlipwayCore

/// Files stored under an enabled pipeline's condition start one workflow per file version, on
/// write or, when that did not happen, by a scan; files the pipeline's own workflows wrote,
/// files stored before it was enabled and files that do not match start none; a workflow
/// left running by a dead node is resumed once its claim expires; a failed workflow is retried
/// from its first unfinished step.
@Suite struct FileWorkflowDispatcherTests {
    /// Runs the steps `one`, `two`; fails `two` while `failing` is set.
    final class ScriptedEngine: FileWorkflowEngine, Sendable {
        let runs = Mutex<[String]>([])
        let failing = Mutex(false)

        func stepIDs(of definition: CodePackage) throws(SlipwayError) -> [String] { ["one", "two"] }

        func validate(config: [String: FilePipeline.ConfigValue], for definition: CodePackage) throws(SlipwayError) {
            if config["bad"] != nil { throw .badRequest("'bad' is not a config item") }
        }

        func run(_ workflow: FileWorkflow, pipeline: FilePipeline, definition: CodePackage,
                 progress: @escaping @Sendable (FileWorkflow) async -> Bool) async -> FileWorkflow {
            var workflow = workflow
            for index in workflow.steps.indices where workflow.steps[index].status != .succeeded {
                runs.withLock { $0.append("\(workflow.filePath):\(workflow.steps[index].id)") }
                if workflow.steps[index].id == "two" && failing.withLock({ $0 }) {
                    workflow.steps[index].status = .failed
                    FileWorkflowDispatcher.end(&workflow, status: .failed, reason: "two failed", at: Date())
                    return workflow
                }
                workflow.steps[index].status = .succeeded
                _ = await progress(workflow)
            }
            FileWorkflowDispatcher.end(&workflow, status: .succeeded, reason: nil, at: Date())
            return workflow
        }
    }

    struct Harness {
        let h: ServiceHarness
        let dispatcher: FileWorkflowDispatcher
        let service: FilePipelineService
        let dataStore: DataStoreService
        let engine = ScriptedEngine()

        static func make() async throws -> Harness {
            let h = try await ServiceHarness.make()
            let dispatcher = FileWorkflowDispatcher(platform: h.platform, claimLease: 5)
            let secrets = SecretService(platform: h.platform)
            let service = FilePipelineService(platform: h.platform, dispatcher: dispatcher, secrets: secrets,
                                              settings: SettingService(store: h.store, now: h.platform.now))
            let harness = Harness(h: h, dispatcher: dispatcher, service: service,
                                  dataStore: DataStoreService(platform: h.platform, workflows: dispatcher))
            dispatcher.register(harness.engine, for: .workflow)
            _ = try await h.store.insertCodePackage(CodePackage(
                id: "definition", workspaceID: h.workspace.id, kind: .workflow, namespace: "private-org", slug: "flow",
                version: "v1", codeDigest: "d", sizeBytes: 1, archiveBlob: "b", manifest: .object([:]), pythonVersion: nil,
                requirementsPath: nil, setupScriptPath: nil, status: .ready, createdAt: h.clock.now, createdBy: h.principal.userID),
                replace: false)
            return harness
        }

        func pipeline(_ glob: String, name: String = "p") async throws -> FilePipeline {
            try await service.create(.init(name: name, definitionID: "definition", condition: .path(try GlobPattern(glob))),
                                     workspaceID: h.workspace.id, by: h.principal.userID)
        }

        @discardableResult
        func write(_ path: String, _ text: String, attributes: FileAttributes = FileAttributes()) async throws -> DataObject {
            let writer = try await h.blobs.makeWriter()
            try await writer.write(Data(text.utf8))
            return try await dataStore.attach(blob: try await writer.commit(), workspaceID: h.workspace.id, path: try ObjectPath(path),
                                              attributes: attributes)
        }

        func workflows(_ pipeline: FilePipeline) async throws -> [FileWorkflow] {
            try await service.workflows(FileWorkflowQuery(workspaceID: h.workspace.id, pipelineID: pipeline.id))
        }

        func settled(_ pipeline: FilePipeline, count: Int) async throws -> [FileWorkflow] {
            try await h.eventually("\(count) finished workflows") {
                let found = try await workflows(pipeline)
                return found.count == count && found.allSatisfy(\.status.isFinal)
            }
            return try await workflows(pipeline)
        }
    }

    @Test func aMatchingFileStartsOneWorkflowPerVersion() async throws {
        let t = try await Harness.make()
        let pipeline = try await t.pipeline("incoming/*.json")
        try await t.write("incoming/a.json", "1")
        try await t.write("other/a.json", "1")
        try await t.write("incoming/a.txt", "1")
        let first = try await t.settled(pipeline, count: 1)
        #expect(first[0].status == .succeeded && first[0].steps.map(\.status) == [.succeeded, .succeeded] && first[0].attempts == 1)
        try await t.write("incoming/a.json", "1")
        #expect(await t.dispatcher.scan() == 0)
        try await t.write("incoming/a.json", "2")
        #expect(try await t.settled(pipeline, count: 2).map(\.filePath) == ["incoming/a.json", "incoming/a.json"])
    }

    @Test func filesTheWorkflowsWroteOrStoredBeforeEnablingStartNothing() async throws {
        let t = try await Harness.make()
        try await t.write("in/early.json", "1")
        t.h.clock.advance(by: 1)
        let pipeline = try await t.pipeline("in/*.json")
        try await t.write("in/own.json", "2", attributes: FileAttributes(producedByPipeline: pipeline.id))
        try await t.write("in/late.json", "3")
        #expect(try await t.settled(pipeline, count: 1).map(\.filePath) == ["in/late.json"])
        #expect(await t.dispatcher.scan() == 0)
        _ = try await t.service.update(id: pipeline.id, workspaceID: t.h.workspace.id, with: .init(enabled: false))
        try await t.write("in/while-disabled.json", "4")
        t.h.clock.advance(by: 1)
        _ = try await t.service.update(id: pipeline.id, workspaceID: t.h.workspace.id, with: .init(enabled: true))
        #expect(await t.dispatcher.scan() == 0)
        #expect(try await t.workflows(pipeline).count == 1)
    }

    @Test func aScanCreatesTheWorkflowsOfFilesStoredWithoutOne() async throws {
        let t = try await Harness.make()
        let pipeline = try await t.pipeline("in/**")
        // Stored without the dispatcher (as if the server stopped right after acknowledging).
        for name in ["a", "b", "c"] { _ = try await t.h.putObject("in/\(name).json", name) }
        #expect(try await t.workflows(pipeline).isEmpty)
        #expect(await t.dispatcher.scan() == 3)
        #expect(try await t.settled(pipeline, count: 3).allSatisfy { $0.status == .succeeded })
        #expect(await t.dispatcher.scan() == 0)
    }

    @Test func aWorkflowWhoseNodeDiedIsResumedFromItsUnfinishedStep() async throws {
        let t = try await Harness.make()
        let pipeline = try await t.pipeline("in/*.json")
        var orphan = FileWorkflow(id: "w-orphan", pipelineID: pipeline.id, workspaceID: t.h.workspace.id, filePath: "in/x.json",
                                  fileVersion: "v", steps: [FileWorkflowStep(id: "one", status: .succeeded), FileWorkflowStep(id: "two")],
                                  createdAt: t.h.clock.now)
        #expect(try await t.h.store.insertFileWorkflow(orphan))
        orphan = try #require(try await t.h.store.claimFileWorkflow(id: orphan.id, token: "dead-node",
                                                                   until: t.h.clock.now.addingTimeInterval(5), now: t.h.clock.now))
        #expect(await t.dispatcher.scan() == 0)
        t.h.clock.advance(by: 6)
        #expect(await t.dispatcher.scan() == 1)
        let resumed = try #require(try await t.settled(pipeline, count: 1).first)
        #expect(resumed.status == .succeeded && resumed.attempts == 2)
        #expect(t.engine.runs.withLock { $0 } == ["in/x.json:two"])
    }

    @Test func theOnlyNodeResumesItsInterruptedWorkflowsAtOnce() async throws {
        let t = try await Harness.make()
        let pipeline = try await t.pipeline("in/*.json")
        let orphan = FileWorkflow(id: "w-own", pipelineID: pipeline.id, workspaceID: t.h.workspace.id, filePath: "in/y.json",
                                  fileVersion: "v", steps: [FileWorkflowStep(id: "one"), FileWorkflowStep(id: "two")],
                                  createdAt: t.h.clock.now)
        #expect(try await t.h.store.insertFileWorkflow(orphan))
        _ = try #require(try await t.h.store.claimFileWorkflow(id: orphan.id, token: "previous-process",
                                                               until: t.h.clock.now.addingTimeInterval(30), now: t.h.clock.now))
        #expect(try await t.dispatcher.resumeOwnInterrupted() == 1)
        let resumed = try #require(try await t.settled(pipeline, count: 1).first)
        #expect(resumed.status == .succeeded && resumed.attempts == 2)
    }

    @Test func aFailedWorkflowIsRetriedFromItsFirstUnfinishedStep() async throws {
        let t = try await Harness.make()
        t.engine.failing.withLock { $0 = true }
        let pipeline = try await t.pipeline("in/*.json")
        try await t.write("in/x.json", "1")
        let failed = try #require(try await t.settled(pipeline, count: 1).first)
        #expect(failed.status == .failed && failed.failureReason == "two failed")
        await #expect(throws: SlipwayError.self) { _ = try await t.service.retry(id: "missing", workspaceID: t.h.workspace.id) }
        t.engine.failing.withLock { $0 = false }
        _ = try await t.service.retry(id: failed.id, workspaceID: t.h.workspace.id)
        let retried = try #require(try await t.settled(pipeline, count: 1).first)
        #expect(retried.status == .succeeded && retried.attempts == 2)
        #expect(t.engine.runs.withLock { $0 } == ["in/x.json:one", "in/x.json:two", "in/x.json:two"])
        await #expect(throws: SlipwayError.self) { _ = try await t.service.retry(id: failed.id, workspaceID: t.h.workspace.id) }
    }

    @Test func badPipelinesAreRefused() async throws {
        let t = try await Harness.make()
        let glob = try GlobPattern("x/*")
        for draft in [FilePipelineService.Draft(name: "", definitionID: "definition", condition: .path(glob)),
                      .init(name: "p", definitionID: "nope", condition: .path(glob)),
                      .init(name: "p", definitionID: "definition", config: ["bad": .literal(.null)], condition: .path(glob)),
                      .init(name: "p", definitionID: "definition", config: ["k": .secret("missing")], condition: .path(glob)),
                      .init(name: "p", definitionID: "definition", condition: .all([]))] {
            await #expect(throws: SlipwayError.self) { _ = try await t.service.create(draft, workspaceID: t.h.workspace.id, by: "u") }
        }
        _ = try await t.pipeline("x/*", name: "taken")
        await #expect(throws: SlipwayError.self) { _ = try await t.pipeline("y/*", name: "taken") }
        #expect(try await t.service.list(workspaceID: t.h.workspace.id).map(\.name) == ["taken"])
    }

    @Test func conditionsMatchPathsCategoriesLabelsAndMetadataAndNameTheirFolder() throws {
        let condition = FileCondition.all([.path(try GlobPattern("lab/runs/*.json")),
                                           .any([.category("RAW"), .label(name: "kind", value: "hplc"), .metadata(key: "m", value: "1")])])
        #expect(condition.matches(path: "lab/runs/a.json", attributes: FileAttributes(category: "RAW")))
        #expect(condition.matches(path: "lab/runs/a.json", attributes: FileAttributes(labels: [FileLabel(name: "kind", value: "hplc")])))
        #expect(condition.matches(path: "lab/runs/a.json", attributes: FileAttributes(metadata: ["m": "1"])))
        #expect(!condition.matches(path: "lab/runs/a.json", attributes: FileAttributes(category: "IDS")))
        #expect(!condition.matches(path: "lab/other/a.json", attributes: FileAttributes(category: "RAW")))
        #expect(condition.folder == "lab/runs/")
        #expect(FileCondition.any([.path(try GlobPattern("lab/a/*")), .path(try GlobPattern("lab/b/*"))]).folder == "lab/")
        #expect(FileCondition.path(try GlobPattern("**/x")).folder == "")
        let stored = try JSONDecoder().decode(FileCondition.self, from: JSONEncoder().encode(condition))
        #expect(stored == condition)
    }
}
