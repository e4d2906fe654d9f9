import Foundation
import Testing

@testable import SlipwayCore

/// Pipelines from a step or from a function, and what deleting one takes with it.
@Suite struct PipelineServiceTests {
    @Test func pipelineFromAStepRefersToIt() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("churn")
        #expect(try pipeline.singleStepID() == step.id)
        #expect(pipeline.graph.nodes.map(\.name) == [step.name])
        #expect(!pipeline.ownsStep)
        let (read, readStep) = try await h.pipelines.get(workspaceID: h.workspace.id, name: "churn")
        #expect(read == pipeline)
        #expect(readStep == step)
    }

    @Test func duplicatePipelineNameIsAConflict() async throws {
        let h = try await ServiceHarness.make()
        let (_, step) = try await h.readyPipeline("churn")
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await h.pipelines.create(name: "churn", stepName: step.name, workspace: h.workspace, principal: h.principal)
        }
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await h.pipelines.create(ServiceHarness.draft("churn"), archive: try h.archive(), workspace: h.workspace,
                                         principal: h.principal)
        }
    }

    @Test func pipelineOfAnUnknownOrFailedStepIsRefused() async throws {
        let h = try await ServiceHarness.make()
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.pipelines.create(name: "p", stepName: "ghost", workspace: h.workspace, principal: h.principal)
        }
        h.environments.failBuilds("broken")
        let failed = try await h.readyStep("failed-step")
        await expectRefusedUnchanged(.conflict, in: h.store, message: "failed to build") {
            try await h.pipelines.create(name: "p", stepName: failed.name, workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func invalidPipelineNameIsRefused() async throws {
        let h = try await ServiceHarness.make()
        let step = try await h.readyStep("s")
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.pipelines.create(name: "Not Valid", stepName: step.name, workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func functionPipelineOwnsAHiddenStepThatGoesWithIt() async throws {
        let h = try await ServiceHarness.make()
        let pipeline = try await h.pipelines.create(ServiceHarness.draft("fn"), archive: try h.archive(),
                                                    workspace: h.workspace, principal: h.principal)
        #expect(pipeline.ownsStep)
        #expect(pipeline.graph.nodes.map(\.name) == ["fn"])
        let step = try await h.settled(try await h.pipelines.get(workspaceID: h.workspace.id, name: "fn").1)
        #expect(step.status == .ready)
        #expect(step.ownerPipelineName == "fn")
        #expect(try await h.steps.list(workspaceID: h.workspace.id).isEmpty)
        _ = try await h.pipelines.delete(workspaceID: h.workspace.id, name: "fn")
        #expect(try await h.store.step(id: step.id) == nil)
        #expect(h.bundles.removed == [step.id])
    }

    @Test func deletingAPipelineKeepsAStepItDoesNotOwn() async throws {
        let h = try await ServiceHarness.make()
        let (_, step) = try await h.readyPipeline("p")
        _ = try await h.pipelines.delete(workspaceID: h.workspace.id, name: "p")
        #expect(try await h.store.pipeline(workspaceID: h.workspace.id, name: "p") == nil)
        #expect(try await h.store.step(id: step.id) == step)
    }

    @Test func deletingAPipelineDeletesItsExecutionsAndTheirLogs() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("p")
        h.launcher.respond { _, log in
            log(LogLine(timestamp: Date(), stream: .stdout, message: "hello"))
            return .returned([:])
        }
        let execution = try await h.run(pipeline, step)
        #expect(try await h.store.logs(subject: .execution(execution.id), query: LogQuery()).map(\.message) == ["hello"])
        _ = try await h.pipelines.delete(workspaceID: h.workspace.id, name: "p")
        #expect(try await h.store.execution(id: execution.id) == nil)
        #expect(try await h.store.logs(subject: .execution(execution.id), query: LogQuery()).isEmpty)
    }

    /// A pipeline that deployments use is not deleted under them.
    @Test func unforcedDeletionOfADeployedPipelineIsRefused() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("deployed")
        _ = try await h.deployments.create(DeploymentRequest(pipelineName: "deployed", name: "serve", rule: .endpoint,
                                                             mode: .elastic),
                                           workspace: h.workspace, principal: h.principal)
        let before = h.store.snapshot
        let refused: Bool
        do {
            _ = try await h.pipelines.delete(workspaceID: h.workspace.id, name: "deployed")
            refused = false
        } catch {
            refused = true
        }
        let unchanged = h.store.snapshot == before
        #expect(refused && unchanged)
    }

    @Test func listPairsEachPipelineWithItsStepInCreationOrder() async throws {
        let h = try await ServiceHarness.make()
        let (a, stepA) = try await h.readyPipeline("a")
        h.clock.advance(by: 1)
        let (b, stepB) = try await h.readyPipeline("b")
        let listed = try await h.pipelines.list(workspaceID: h.workspace.id)
        #expect(listed.map(\.0) == [a, b])
        #expect(listed.map(\.1) == [stepA, stepB])
    }

    @Test func pipelineWhoseStepVanishedIsAnInternalError() async throws {
        let h = try await ServiceHarness.make()
        let (_, step) = try await h.readyPipeline("orphan")
        try await h.store.deleteStep(id: step.id)
        await expectSlipwayError(.internal, message: "missing step") {
            try await h.pipelines.get(workspaceID: h.workspace.id, name: "orphan")
        }
    }

    @Test func unknownPipelineIsNotFound() async throws {
        let h = try await ServiceHarness.make()
        await expectSlipwayError(.notFound, message: "pipeline 'ghost' was not found") {
            try await h.pipelines.get(workspaceID: h.workspace.id, name: "ghost")
        }
    }

    @Test func functionPipelineWhoseInsertFailsTakesItsStepAway() async throws {
        let h = try await ServiceHarness.make()
        h.store.failNext(.insertPipeline)
        await expectSlipwayError(.internal, message: "injected") {
            try await h.pipelines.create(ServiceHarness.draft("fn"), archive: try h.archive(), workspace: h.workspace,
                                         principal: h.principal)
        }
        #expect(try await h.store.listSteps(workspaceID: h.workspace.id, includeOwned: true).isEmpty)
        #expect(try await h.store.listPipelines(workspaceID: h.workspace.id).isEmpty)
        #expect(h.bundles.removed.count == 1)
        #expect(h.blobs.keys().isEmpty)
    }
}
