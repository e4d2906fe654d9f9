import Foundation

/// Pipelines: created from an existing step or directly from a function.
public struct PipelineService: Sendable {
    let platform: Platform
    let steps: StepService

    public init(platform: Platform, steps: StepService) {
        self.platform = platform
        self.steps = steps
    }

    public func create(name: String, stepName: String, workspace: Workspace, principal: Principal) async throws -> Pipeline {
        try NameRules.validateResourceName(name, kind: "pipeline")
        guard try await platform.store.pipeline(workspaceID: workspace.id, name: name) == nil else {
            throw SlipwayError.conflict("pipeline '\(name)' already exists")
        }
        let step = try await steps.get(workspaceID: workspace.id, name: stepName)
        guard step.status != .failed else {
            throw SlipwayError(.conflict, "step '\(stepName)' failed to build; fix it and create it again",
                               details: .object(["step": .string(stepName)]), code: .stepFailed)
        }
        let pipeline = Pipeline(id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: name,
                                graph: Self.graph(of: step), ownsStep: false, createdAt: platform.now(),
                                createdBy: principal.userID)
        try await platform.store.insertPipeline(pipeline)
        return pipeline
    }

    /// Function-based creation: the pipeline owns a hidden step built from the upload.
    public func create(_ draft: StepDraft, archive: URL?, workspace: Workspace, principal: Principal) async throws -> Pipeline {
        try NameRules.validateResourceName(draft.name, kind: "pipeline")
        guard try await platform.store.pipeline(workspaceID: workspace.id, name: draft.name) == nil else {
            throw SlipwayError.conflict("pipeline '\(draft.name)' already exists")
        }
        let step = try await steps.create(draft, archive: archive, workspace: workspace, principal: principal,
                                          ownerPipelineName: draft.name)
        let pipeline = Pipeline(id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: draft.name,
                                graph: Self.graph(of: step, nodeName: draft.name), ownsStep: true, createdAt: platform.now(),
                                createdBy: principal.userID)
        do {
            try await platform.store.insertPipeline(pipeline)
        } catch {
            try? await steps.remove(step)
            throw error
        }
        return pipeline
    }

    public func get(workspaceID: String, name: String) async throws -> (Pipeline, Step) {
        guard let pipeline = try await platform.store.pipeline(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("pipeline", name)
        }
        guard let step = try await platform.store.step(id: try pipeline.singleStepID()) else {
            throw SlipwayError.internal("pipeline '\(name)' refers to a missing step")
        }
        return (pipeline, step)
    }

    public func waitForCreation(workspaceID: String, name: String) async throws -> (Pipeline, Step) {
        let (pipeline, step) = try await get(workspaceID: workspaceID, name: name)
        return (pipeline, try await steps.waitForCreation(step))
    }

    public func list(workspaceID: String) async throws -> [(Pipeline, Step?)] {
        var result: [(Pipeline, Step?)] = []
        for pipeline in try await platform.store.listPipelines(workspaceID: workspaceID) {
            var step: Step?
            if let stepID = try? pipeline.singleStepID() { step = try await platform.store.step(id: stepID) }
            result.append((pipeline, step))
        }
        return result
    }

    /// Deletes the pipeline, its executions, and the step it owns; refused while deployments use
    /// it (`DeploymentService.deletePipeline` removes them first).
    public func delete(workspaceID: String, name: String) async throws -> Pipeline {
        let (pipeline, step) = try await get(workspaceID: workspaceID, name: name)
        try await checkNoDeployments(pipeline)
        for execution in try await platform.store.listExecutions(workspaceID: workspaceID, pipelineName: name) {
            try await ExecutionService.purge(execution, platform: platform)
        }
        try await platform.store.deletePipeline(id: pipeline.id)
        if pipeline.ownsStep { try await steps.remove(step) }
        return pipeline
    }

    /// Refuses while deployments use `pipeline`.
    func checkNoDeployments(_ pipeline: Pipeline) async throws {
        let dependents = try await platform.store.deployments(pipelineID: pipeline.id)
        guard dependents.isEmpty else {
            throw SlipwayError(.conflict, "pipeline '\(pipeline.name)' is used by deployments "
                + dependents.map { "'\($0.name)'" }.joined(separator: ", "),
                details: .object(["pipeline": .string(pipeline.name), "deployments": .array(dependents.map { .string($0.name) })]),
                code: .pipelineHasDeployments)
        }
    }

    /// The one-node graph of a pipeline that runs `step`; the node is named after the step, or
    /// after the pipeline for a step the pipeline owns (whose stored name is not a node name).
    static func graph(of step: Step, nodeName: String? = nil) -> PipelineGraph {
        .singleStep(nodeName: nodeName ?? step.name, stepID: step.id, inputs: step.inputs, outputs: step.outputs)
    }
}
