import Foundation

/// What a pipeline runs: a directed acyclic graph of step and model nodes joined by edges from
/// an output to an input.
///
/// Inputs that no edge feeds are the pipeline's inputs ("open inputs"), except those listed in
/// ``defaultedInputs``, which always take their default. Outputs that feed no edge are the
/// pipeline's outputs. A pipeline input or output is named after its port, so open ports must
/// have distinct names across the graph. See ``validate()`` for every rule.
public struct PipelineGraph: Sendable, Equatable, Codable {
    public var nodes: [PipelineNode]
    public var edges: [PipelineEdge]
    /// Unconnected inputs deliberately not offered to callers; each must be optional or have a
    /// default value.
    public var defaultedInputs: [PipelinePort]

    public init(nodes: [PipelineNode], edges: [PipelineEdge] = [], defaultedInputs: [PipelinePort] = []) {
        self.nodes = nodes
        self.edges = edges
        self.defaultedInputs = defaultedInputs
    }

    /// The graph of a pipeline that runs one step: one node, no edges, every input and output open.
    public static func singleStep(nodeName: String, stepID: String, inputs: [InputDefinition],
                                  outputs: [OutputDefinition]) -> PipelineGraph {
        PipelineGraph(nodes: [PipelineNode(name: nodeName, kind: .step(stepID: stepID), inputs: inputs, outputs: outputs)])
    }

    /// An unconnected input, offered to callers as the pipeline input `port.name`.
    public struct OpenInput: Sendable, Equatable {
        public var port: PipelinePort
        public var definition: InputDefinition
    }

    /// An output that feeds no edge, returned as the pipeline output `port.name`.
    public struct OpenOutput: Sendable, Equatable {
        public var port: PipelinePort
        public var definition: OutputDefinition
    }

    public func node(named name: String) -> PipelineNode? {
        nodes.first { $0.name == name }
    }

    /// The pipeline's inputs, in node order then declaration order.
    public var openInputs: [OpenInput] {
        let fed = Set(edges.map(\.to)).union(defaultedInputs)
        return nodes.flatMap { node in
            node.inputs.compactMap { input in
                let port = PipelinePort(node: node.name, name: input.name)
                return fed.contains(port) ? nil : OpenInput(port: port, definition: input)
            }
        }
    }

    /// The pipeline's outputs, in node order then declaration order.
    public var openOutputs: [OpenOutput] {
        let used = Set(edges.map(\.from))
        return nodes.flatMap { node in
            node.outputs.compactMap { output in
                let port = PipelinePort(node: node.name, name: output.name)
                return used.contains(port) ? nil : OpenOutput(port: port, definition: output)
            }
        }
    }

    /// Every model version any node may call, without repeats, in node order.
    public var modelVersionIDs: [String] {
        var seen = Set<String>()
        return nodes.flatMap(\.modelVersionIDs).filter { seen.insert($0).inserted }
    }
}
