import Foundation

/// Versioned pipelines of model nodes: created with a first version, changed by adding versions
/// (a version is never edited), copied.
public struct ModelPipelineService: Sendable {
    let platform: Platform

    public init(platform: Platform) {
        self.platform = platform
    }

    /// A chain of model nodes: each node's outputs are the next node's inputs. Every node has one
    /// `records` input and output (the rows passed along); routing puts an A/B split or shadow
    /// challengers on a node.
    public static func chain(_ steps: [(modelVersionID: String, name: String, routing: ModelRouting?)]) -> PipelineGraph {
        var names = Set<String>()
        var nodes: [PipelineNode] = []
        for step in steps {
            var name = step.name
            var suffix = 2
            while !names.insert(name).inserted {
                name = "\(step.name)-\(suffix)"
                suffix += 1
            }
            nodes.append(PipelineNode(name: name, kind: .model(modelVersionID: step.modelVersionID),
                                      inputs: [InputDefinition(name: "records", dataType: .json)],
                                      outputs: [OutputDefinition(name: "records", dataType: .json)], routing: step.routing))
        }
        let edges = zip(nodes, nodes.dropFirst()).map { PipelineEdge($0.name, "records", to: $1.name, "records") }
        return PipelineGraph(nodes: nodes, edges: edges)
    }

    /// Creates the pipeline with its first version. A pipeline may start with no nodes.
    public func create(workspaceID: String, userID: String, name: String, graph: PipelineGraph) async throws
        -> (Pipeline, PipelineVersion) {
        try NameRules.validateResourceName(name, kind: "pipeline")
        try await check(graph, workspaceID: workspaceID)
        guard try await platform.store.pipeline(workspaceID: workspaceID, name: name) == nil else {
            throw SlipwayError.conflict("pipeline '\(name)' already exists in this workspace",
                                        details: .object(["pipeline": .string(name)]))
        }
        let now = platform.now()
        let pipeline = Pipeline(id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name, graph: graph,
                                ownsStep: false, createdAt: now, createdBy: userID)
        let version = PipelineVersion(id: UUID().uuidString.lowercased(), pipelineID: pipeline.id, workspaceID: workspaceID,
                                      graph: graph, createdAt: now, createdBy: userID)
        try await platform.store.transaction { store in
            try await store.insertPipeline(pipeline)
            try await store.insertPipelineVersion(version)
        }
        return (pipeline, version)
    }

    /// Adds a version with a new graph; it becomes the pipeline's current graph.
    public func addVersion(to pipeline: Pipeline, userID: String, graph: PipelineGraph) async throws -> PipelineVersion {
        try await check(graph, workspaceID: pipeline.workspaceID)
        let version = PipelineVersion(id: UUID().uuidString.lowercased(), pipelineID: pipeline.id,
                                      workspaceID: pipeline.workspaceID, graph: graph, createdAt: platform.now(),
                                      createdBy: userID)
        try await platform.store.insertPipelineVersion(version)
        return version
    }

    /// A new pipeline with the graph of `version` (default: the source's latest).
    public func copy(_ source: Pipeline, version: PipelineVersion?, name: String, userID: String) async throws
        -> (Pipeline, PipelineVersion) {
        let graph: PipelineGraph
        if let version { graph = version.graph } else { graph = try await latestVersion(of: source).graph }
        return try await create(workspaceID: source.workspaceID, userID: userID, name: name, graph: graph)
    }

    /// The pipeline with this id, in whatever workspace (the caller checks access).
    public func pipeline(id: String) async throws -> Pipeline {
        guard let pipeline = try await platform.store.pipeline(id: id) else { throw SlipwayError.notFound("pipeline", id) }
        return pipeline
    }

    public func pipeline(id: String, workspaceID: String) async throws -> Pipeline {
        guard let pipeline = try await platform.store.pipeline(id: id), pipeline.workspaceID == workspaceID else {
            throw SlipwayError.notFound("pipeline", id)
        }
        return pipeline
    }

    public func pipeline(named name: String, workspaceID: String) async throws -> Pipeline {
        guard let pipeline = try await platform.store.pipeline(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("pipeline", NameRules.printable(name))
        }
        return pipeline
    }

    public func versions(of pipeline: Pipeline) async throws -> [PipelineVersion] {
        try await platform.store.pipelineVersions(pipelineID: pipeline.id)
    }

    /// The newest version; a pipeline created without versions (a step pipeline) gets one made
    /// from its graph.
    public func latestVersion(of pipeline: Pipeline) async throws -> PipelineVersion {
        if let last = try await versions(of: pipeline).last { return last }
        let version = PipelineVersion(id: UUID().uuidString.lowercased(), pipelineID: pipeline.id,
                                      workspaceID: pipeline.workspaceID, graph: pipeline.graph,
                                      createdAt: platform.now(), createdBy: pipeline.createdBy)
        try await platform.store.insertPipelineVersion(version)
        return version
    }

    public func version(id: String, workspaceID: String) async throws -> PipelineVersion {
        guard let version = try await platform.store.pipelineVersion(id: id), version.workspaceID == workspaceID else {
            throw SlipwayError.notFound("pipeline version", NameRules.printable(id))
        }
        return version
    }

    /// A graph is valid, and every model version it names exists in the workspace.
    func check(_ graph: PipelineGraph, workspaceID: String) async throws {
        guard !graph.nodes.isEmpty else { return }
        try graph.validate()
        for id in graph.modelVersionIDs {
            guard let version = try await platform.store.modelVersion(id: id), version.workspaceID == workspaceID else {
                throw SlipwayError.badRequest("model version '\(NameRules.printable(id))' does not exist in this workspace",
                                              details: .object(["model_version": .string(id)]))
            }
        }
    }
}
