import Foundation

/// A named graph of step and model nodes (``PipelineGraph``) that callers run. A pipeline made
/// from one step is a one-node graph whose open inputs and outputs are the step's.
public struct Pipeline: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var graph: PipelineGraph
    /// True when the pipeline was created from a function and owns its step.
    public var ownsStep: Bool
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, workspaceID: String, name: String, graph: PipelineGraph, ownsStep: Bool,
                createdAt: Date, createdBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.graph = graph
        self.ownsStep = ownsStep
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The steps the graph's step nodes run, without repeats, in node order.
    public var stepIDs: [String] {
        var seen = Set<String>()
        return graph.nodes.compactMap { node -> String? in
            if case .step(let stepID) = node.kind, seen.insert(stepID).inserted { return stepID }
            return nil
        }
    }

    /// The step of a one-step pipeline: the only shape executions run so far.
    public func singleStepID() throws(SlipwayError) -> String {
        guard graph.nodes.count == 1, case .step(let stepID) = graph.nodes[0].kind else {
            throw SlipwayError(.notImplemented, "pipeline '\(name)' has \(graph.nodes.count) nodes; only pipelines of "
                + "one step node can run yet", details: .object(["pipeline": .string(name)]))
        }
        return stepID
    }
}
