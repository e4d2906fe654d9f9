import Foundation

/// One node of a pipeline graph: a step to run or a model version to infer with, under a name
/// unique in its graph, with the typed inputs and outputs that edges connect.
public struct PipelineNode: Sendable, Equatable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        case step(stepID: String)
        case model(modelVersionID: String)
    }

    /// DNS-style (``NameRules/validateResourceName(_:kind:)``), unique within the graph.
    public var name: String
    public var kind: Kind
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    /// Model nodes only: how requests are spread over several model versions (A/B split) or
    /// copied to others (shadow). Nil: every request goes to the node's model version.
    public var routing: ModelRouting?

    public init(name: String, kind: Kind, inputs: [InputDefinition] = [], outputs: [OutputDefinition] = [],
                routing: ModelRouting? = nil) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.outputs = outputs
        self.routing = routing
    }

    public func input(named name: String) -> InputDefinition? {
        inputs.first { $0.name == name }
    }

    public func output(named name: String) -> OutputDefinition? {
        outputs.first { $0.name == name }
    }

    /// The model versions this node may call: its own, then those of its routing.
    public var modelVersionIDs: [String] {
        guard case .model(let own) = kind else { return [] }
        var ids = [own]
        for id in routing?.modelVersionIDs ?? [] where !ids.contains(id) { ids.append(id) }
        return ids
    }
}
