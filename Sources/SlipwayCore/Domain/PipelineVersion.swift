import Foundation

/// One immutable definition of a versioned pipeline: every change to the pipeline's graph is a
/// new version, and a deployment serves exactly one version.
public struct PipelineVersion: Sendable, Equatable, Codable {
    /// A UUID.
    public var id: String
    public var pipelineID: String
    public var workspaceID: String
    public var graph: PipelineGraph
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, pipelineID: String, workspaceID: String, graph: PipelineGraph, createdAt: Date,
                createdBy: String) {
        self.id = id
        self.pipelineID = pipelineID
        self.workspaceID = workspaceID
        self.graph = graph
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
