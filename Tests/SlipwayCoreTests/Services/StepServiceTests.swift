import Foundation
import Testing

@testable import SlipwayCore

/// Step creation (validation before anything is stored), the background build, listing,
/// logs and the deletion rules.
@Suite struct StepServiceTests {
    @Test func createdStepIsPendingThenReadyWithItsEnvironment() async throws {
        let h = try await ServiceHarness.make()
        h.environments.hold()
        let created = try await h.steps.create(ServiceHarness.draft("hello", inputs: [.init(name: "x", dataType: .number)]),
                                               archive: try h.archive(), workspace: h.workspace, principal: h.principal)
        #expect(created.status == .pending)
        #expect(try await h.store.step(id: created.id)?.status == .pending)
        h.environments.release()
        let ready = try await h.settled(created)
        #expect(ready.status == .ready)
        let spec = try #require(h.environments.requestedSpecs.last)
        #expect(ready.environmentKey == FakeEnvironmentProvider.key(for: spec))
        #expect(ready.containerConfig.language == "python:3.12-slim")
        #expect(ready.createdBy == h.principal.userID)
        #expect(ready.createdAt == h.clock.now)
        #expect(h.bundles.installedSteps == [created.id])
        #expect(h.blobs.keys() == [created.archiveBlob])
    }

    @Test func buildLogsAreKeptWithTheStep() async throws {
        let h = try await ServiceHarness.make()
        let step = try await h.readyStep("logged")
        let lines = try await h.steps.logs(step: step, query: LogQuery())
        #expect(lines.map(\.message).first == "Building Python 3.12 environment")
        #expect(lines.map(\.message).contains("resolving no requirements"))
        #expect(lines.last?.message.hasPrefix("Environment ") == true)
        #expect(lines.last?.message.hasSuffix(" ready") == true)
    }

    @Test func failedBuildMarksTheStepFailedWithTheReasonInItsLogs() async throws {
        let h = try await ServiceHarness.make()
        h.environments.failBuilds("no matching distribution for numpy==0.0")
        let step = try await h.readyStep("broken")
        #expect(step.status == .failed)
        #expect(step.environmentKey == nil)
        let lines = try await h.steps.logs(step: step, query: LogQuery())
        #expect(lines.last?.message == "Build failed: no matching distribution for numpy==0.0")
        #expect(lines.last?.stream == .stderr)
    }

    @Test func waitForCreationReturnsTheBuiltStep() async throws {
        // A long hold: the wait ends on the build's signal, well before it, even on a busy machine.
        let h = try await ServiceHarness.make(limits: Limits(executionTimeout: .seconds(5), longPollHold: .seconds(20)))
        h.environments.hold()
        let step = try await h.steps.create(ServiceHarness.draft("waited"), archive: try h.archive(), workspace: h.workspace,
                                            principal: h.principal)
        let release = Task {
            try await Task.sleep(for: .milliseconds(20))
            h.environments.release()
        }
        let waited = try await h.steps.waitForCreation(step)
        try await release.value
        #expect(waited.status == .ready)
    }

    @Test func duplicateNameIsAConflictAndStagesNothing() async throws {
        let h = try await ServiceHarness.make()
        try await h.readyStep("twice")
        let blobs = h.blobs.keys()
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await h.steps.create(ServiceHarness.draft("twice"), archive: try h.archive(), workspace: h.workspace,
                                     principal: h.principal)
        }
        #expect(h.blobs.keys() == blobs)
        #expect(h.bundles.openStagings == 0)
    }

    @Test func sameNameInAnotherWorkspaceIsAllowed() async throws {
        let h = try await ServiceHarness.make()
        try await h.readyStep("shared")
        let other = try await h.accounts.createWorkspace(named: "other")
        let step = try await h.steps.create(ServiceHarness.draft("shared"), archive: try h.archive(), workspace: other,
                                            principal: h.principal)
        #expect(step.workspaceID == other.id)
        #expect(try await h.steps.list(workspaceID: other.id).map(\.name) == ["shared"])
    }

    /// Drafts refused before anything is read or stored, with a word of their message.
    static let invalidDrafts: [(String, StepDraft, String)] = [
        ("bad name", ServiceHarness.draft("Bad_Name"), "invalid"),
        ("no function path", StepDraft(name: "s", functionPath: nil, functionName: "run", description: nil, inputs: [],
                                       outputs: [], containerConfig: ContainerConfig()), "function_path is required"),
        ("no function name", StepDraft(name: "s", functionPath: "main.py", functionName: "", description: nil, inputs: [],
                                       outputs: [], containerConfig: ContainerConfig()), "function_name is required"),
        ("escaping path", StepDraft(name: "s", functionPath: "../main.py", functionName: "run", description: nil,
                                    inputs: [], outputs: [], containerConfig: ContainerConfig()), "relative path"),
        ("not python", StepDraft(name: "s", functionPath: "main.sh", functionName: "run", description: nil, inputs: [],
                                 outputs: [], containerConfig: ContainerConfig()), ".py"),
        ("bad identifier", StepDraft(name: "s", functionPath: "main.py", functionName: "1run", description: nil,
                                     inputs: [], outputs: [], containerConfig: ContainerConfig()), "Python identifier"),
        ("input twice", ServiceHarness.draft("s", inputs: [.init(name: "a", dataType: .string), .init(name: "a", dataType: .number)]),
         "declared twice"),
        ("output twice", ServiceHarness.draft("s", outputs: [.init(name: "o", dataType: .string), .init(name: "o", dataType: .json)]),
         "declared twice"),
        ("bad default", ServiceHarness.draft("s", inputs: [.init(name: "n", dataType: .number, defaultValue: .string("ten"))]),
         "default value of input 'n' must be of type number"),
        ("dockerfile", ServiceHarness.draft("s", config: ContainerConfig(dockerfilePath: "Dockerfile")), "dockerfile_path"),
        ("python 3.9", ServiceHarness.draft("s", config: ContainerConfig(language: "python:3.9-slim")), "3.9"),
        ("not a python image", ServiceHarness.draft("s", config: ContainerConfig(language: "node:20")), "not supported"),
        ("unknown system package", ServiceHarness.draft("s", config: ContainerConfig(systemDependencies: ["ffmpeg"])), "ffmpeg"),
    ]

    @Test(arguments: invalidDrafts.indices)
    func invalidDraftsAreRefusedAndStoreNothing(index: Int) async throws {
        let (label, draft, message) = Self.invalidDrafts[index]
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: message) {
            try await h.steps.create(draft, archive: try h.archive(), workspace: h.workspace, principal: h.principal)
        }
        #expect(h.blobs.keys().isEmpty, "\(label)")
        #expect(h.bundles.openStagings == 0, "\(label)")
    }

    @Test func missingArchiveIsRefusedWithAdvice() async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "local_folder") {
            try await h.steps.create(ServiceHarness.draft("s"), archive: nil, workspace: h.workspace, principal: h.principal)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "git repository") {
            try await h.steps.create(ServiceHarness.draft("s", config: ContainerConfig(repositoryURL: "https://git.example/r")),
                                     archive: nil, workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func functionPathMissingFromTheCodeIsRefusedAndTheBundleDiscarded() async throws {
        let h = try await ServiceHarness.make()
        let archive = try h.bundles.makeArchive(["other.py": "pass"])
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "is not in the uploaded code") {
            try await h.steps.create(ServiceHarness.draft("s"), archive: archive, workspace: h.workspace, principal: h.principal)
        }
        #expect(h.bundles.discarded.count == 1)
        #expect(h.bundles.installedSteps.isEmpty)
        #expect(h.blobs.keys().isEmpty)
    }

    @Test func oversizedArchiveIsRefused() async throws {
        let h = try await ServiceHarness.make(limits: Limits(maxStepArchiveBytes: 10))
        await expectRefusedUnchanged(.payloadTooLarge, in: h.store, message: "the limit is 10 bytes") {
            try await h.steps.create(ServiceHarness.draft("big"), archive: try h.archive(), workspace: h.workspace,
                                     principal: h.principal)
        }
        #expect(h.bundles.openStagings == 0)
    }

    @Test func requirementsUseWorkspaceVariables() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["INDEX_TOKEN": .string("s3cr3t")])
        let archive = try h.archive(["requirements.txt": "numpy==2.0\n--extra-index-url https://${INDEX_TOKEN}@pypi.example\n"])
        let step = try await h.settled(try await h.steps.create(
            ServiceHarness.draft("reqs"), archive: archive, workspace: h.workspace, principal: h.principal))
        #expect(step.status == .ready)
        #expect(step.containerConfig.requirementsPath == "requirements.txt")
        #expect(h.environments.requestedSpecs.last?.requirements
            == "numpy==2.0\n--extra-index-url https://s3cr3t@pypi.example\n")
    }

    @Test func requirementsNamingAnUnknownVariableAreRefused() async throws {
        let h = try await ServiceHarness.make()
        let archive = try h.archive(["requirements.txt": "pkg @ https://${MISSING}/pkg.whl"])
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "${MISSING}") {
            try await h.steps.create(ServiceHarness.draft("reqs"), archive: archive, workspace: h.workspace,
                                     principal: h.principal)
        }
        #expect(h.bundles.discarded.count == 1)
    }

    @Test func explicitRequirementsPathMustExist() async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "requirements_path 'deps.txt'") {
            try await h.steps.create(ServiceHarness.draft("reqs", config: ContainerConfig(requirementsPath: "deps.txt")),
                                     archive: try h.archive(), workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func substitutionKeepsAnUnterminatedPlaceholder() throws {
        let text = try StepService.substituteVariables("a=${A} b=${B", variables: [EnvironmentVariable(name: "A", value: "1")])
        #expect(text == "a=1 b=${B")
    }

    @Test func listHidesPipelineOwnedStepsAndKeepsCreationOrder() async throws {
        let h = try await ServiceHarness.make()
        try await h.readyStep("first")
        h.clock.advance(by: 1)
        try await h.readyStep("second")
        _ = try await h.pipelines.create(ServiceHarness.draft("fn-pipeline"), archive: try h.archive(), workspace: h.workspace,
                                         principal: h.principal)
        #expect(try await h.steps.list(workspaceID: h.workspace.id).map(\.name) == ["first", "second"])
        await expectSlipwayError(.notFound) { try await h.steps.get(workspaceID: h.workspace.id, name: "__pipeline__fn-pipeline") }
    }

    @Test func stepUsedByAPipelineCannotBeDeleted() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("uses")
        let error = await expectSlipwayError(.conflict, message: "used by pipeline(s) uses") {
            try await h.steps.delete(workspaceID: h.workspace.id, name: step.name, force: false, pipelines: h.pipelines)
        }
        #expect(error?.details == .object(["pipelines": .array([.string(pipeline.name)])]))
        #expect(try await h.store.step(id: step.id) != nil)
        #expect(try await h.store.pipeline(workspaceID: h.workspace.id, name: "uses") != nil)
    }

    @Test func forcedDeletionRemovesDependentPipelinesCodeArchiveAndLogs() async throws {
        let h = try await ServiceHarness.make()
        let (_, step) = try await h.readyPipeline("uses")
        let deleted = try await h.steps.delete(workspaceID: h.workspace.id, name: step.name, force: true, pipelines: h.pipelines)
        #expect(deleted.id == step.id)
        #expect(try await h.store.step(id: step.id) == nil)
        #expect(try await h.store.listPipelines(workspaceID: h.workspace.id).isEmpty)
        #expect(h.bundles.removed == [step.id])
        #expect(h.blobs.deletedKeys == [step.archiveBlob])
        #expect(try await h.store.logs(subject: .step(step.id), query: LogQuery()).isEmpty)
    }

    /// Forcing the deletion of a step deletes the pipelines that use it, but not a pipeline that
    /// deployments use: the call is refused and nothing is deleted.
    @Test func forcedStepDeletionDoesNotOrphanDeployments() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("deployed")
        _ = try await h.deployments.create(DeploymentRequest(pipelineName: "deployed", name: "serve", rule: .endpoint,
                                                             mode: .elastic),
                                           workspace: h.workspace, principal: h.principal)
        _ = try? await h.steps.delete(workspaceID: h.workspace.id, name: step.name, force: true, pipelines: h.pipelines)
        let orphans = try await h.store.deployments(pipelineID: pipeline.id)
        let pipelineGone = try await h.store.pipeline(workspaceID: h.workspace.id, name: "deployed") == nil
        #expect(!pipelineGone && orphans.count == 1, "refused while deployment 'serve' uses the pipeline")
    }

    @Test func deletingAnUnknownStepIsNotFound() async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.steps.delete(workspaceID: h.workspace.id, name: "ghost", force: true, pipelines: h.pipelines)
        }
    }

    @Test func interruptedBuildsResume() async throws {
        let h = try await ServiceHarness.make()
        h.environments.hold()
        let step = try await h.steps.create(ServiceHarness.draft("resumed"), archive: try h.archive(), workspace: h.workspace,
                                            principal: h.principal)
        // A restart: the pending step is built again; both builds end once released.
        try await h.steps.resumePendingBuilds()
        h.environments.release()
        let ready = try await h.settled(step)
        #expect(ready.status == .ready)
        try await h.eventually("both builds asked for") { h.environments.requestedSpecs.count == 2 }
        #expect(h.environments.requestedSpecs[0] == h.environments.requestedSpecs[1])
    }

    @Test func stepWhoseInsertFailsLeavesNoCodeOrArchiveBehind() async throws {
        let h = try await ServiceHarness.make()
        h.store.failNext(.insertStep)
        await expectRefusedUnchanged(.internal, in: h.store, message: "injected") {
            try await h.steps.create(ServiceHarness.draft("lost"), archive: try h.archive(), workspace: h.workspace,
                                     principal: h.principal)
        }
        let leftovers = (blobs: h.blobs.keys(), code: h.bundles.installedSteps)
        #expect(leftovers.blobs.isEmpty, "archive blob left behind")
        #expect(leftovers.code.isEmpty, "installed code left behind")
    }
}
