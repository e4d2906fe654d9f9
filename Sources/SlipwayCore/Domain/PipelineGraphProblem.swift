import Foundation

/// One reason a ``PipelineGraph`` is refused. Each problem has a stable `code` and structured
/// `details` so that a dialect can render it in its own error shape.
public enum PipelineGraphProblem: Sendable, Hashable {
    case noNodes
    /// `reason` is the naming rule's message, which names the node.
    case invalidNodeName(node: String, reason: String)
    case duplicateNodeName(String)
    /// `reason` is the naming rule's message, which names the port.
    case invalidPortName(PipelinePort, reason: String)
    /// Two inputs (or two outputs) of one node share a name.
    case duplicatePortName(PipelinePort)
    case unknownNode(String, edge: PipelineEdge)
    case unknownOutput(PipelinePort, edge: PipelineEdge)
    case unknownInput(PipelinePort, edge: PipelineEdge)
    case typeMismatch(edge: PipelineEdge, output: IODataType, input: IODataType)
    case inputFedTwice(PipelinePort, edges: [PipelineEdge])
    /// The nodes on a cycle, in edge order, starting from the smallest name.
    case cycle([String])
    /// A required input without a default is neither fed by an edge nor open to callers.
    case requiredInputNotFed(PipelinePort)
    /// A port listed among the graph's defaulted inputs is not an input of its node.
    case unknownDefaultedInput(PipelinePort)
    /// A port listed among the graph's defaulted inputs is also fed by an edge.
    case defaultedInputConnected(PipelinePort)
    /// Several open inputs (or outputs) would become pipeline inputs (outputs) of the same name.
    case ambiguousOpenInput(String, ports: [PipelinePort])
    case ambiguousOpenOutput(String, ports: [PipelinePort])
    case routingOnStepNode(String)
    case invalidRouting(node: String, reason: String)

    /// Stable, machine-readable identifier of the problem.
    public var code: String {
        switch self {
        case .noNodes: "no_nodes"
        case .invalidNodeName: "invalid_node_name"
        case .duplicateNodeName: "duplicate_node_name"
        case .invalidPortName: "invalid_port_name"
        case .duplicatePortName: "duplicate_port_name"
        case .unknownNode: "unknown_node"
        case .unknownOutput: "unknown_output"
        case .unknownInput: "unknown_input"
        case .typeMismatch: "type_mismatch"
        case .inputFedTwice: "input_fed_twice"
        case .cycle: "cycle"
        case .requiredInputNotFed: "required_input_not_fed"
        case .unknownDefaultedInput: "unknown_defaulted_input"
        case .defaultedInputConnected: "defaulted_input_connected"
        case .ambiguousOpenInput: "ambiguous_open_input"
        case .ambiguousOpenOutput: "ambiguous_open_output"
        case .routingOnStepNode: "routing_on_step_node"
        case .invalidRouting: "invalid_routing"
        }
    }

    /// A sentence safe to show to the caller (names are cleaned of control characters).
    public var message: String {
        func p(_ text: String) -> String { NameRules.printable(text) }
        func p(_ port: PipelinePort) -> String { p(port.description) }
        switch self {
        case .noNodes:
            return "a pipeline needs at least one node"
        case .invalidNodeName(_, let reason):
            return reason
        case .duplicateNodeName(let node):
            return "two nodes are named '\(p(node))'"
        case .invalidPortName(let port, let reason):
            return "node '\(p(port.node))': \(reason)"
        case .duplicatePortName(let port):
            return "node '\(p(port.node))' declares '\(p(port.name))' twice"
        case .unknownNode(let node, let edge):
            return "edge \(p(edge.description)) names an unknown node '\(p(node))'"
        case .unknownOutput(let port, let edge):
            return "edge \(p(edge.description)) starts from '\(p(port))', which is not an output"
        case .unknownInput(let port, let edge):
            return "edge \(p(edge.description)) ends at '\(p(port))', which is not an input"
        case .typeMismatch(let edge, let output, let input):
            return "edge \(p(edge.description)) connects a \(output.rawValue) output to a \(input.rawValue) input"
        case .inputFedTwice(let port, let edges):
            return "input '\(p(port))' is fed by \(edges.count) edges; an input takes at most one"
        case .cycle(let nodes):
            return "the nodes \((nodes + nodes.prefix(1)).map { p($0) }.joined(separator: " -> ")) form a cycle"
        case .requiredInputNotFed(let port):
            return "required input '\(p(port))' has no default and is neither connected nor open"
        case .unknownDefaultedInput(let port):
            return "defaulted input '\(p(port))' is not an input of the graph"
        case .defaultedInputConnected(let port):
            return "input '\(p(port))' is listed as defaulted but is fed by an edge"
        case .ambiguousOpenInput(let name, let ports):
            return "open inputs \(ports.map { p($0) }.joined(separator: ", ")) would all be the pipeline input '\(p(name))'"
        case .ambiguousOpenOutput(let name, let ports):
            return "open outputs \(ports.map { p($0) }.joined(separator: ", ")) would all be the pipeline output '\(p(name))'"
        case .routingOnStepNode(let node):
            return "node '\(p(node))' runs a step; only model nodes can split or shadow traffic"
        case .invalidRouting(let node, let reason):
            return "routing of node '\(p(node))' is invalid: \(reason)"
        }
    }

    /// `{"code": …, "message": …}` plus the names involved.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        switch self {
        case .noNodes: break
        case .invalidNodeName(let node, _), .duplicateNodeName(let node), .routingOnStepNode(let node),
             .invalidRouting(let node, _):
            object["node"] = .string(node)
        case .invalidPortName(let port, _), .duplicatePortName(let port), .requiredInputNotFed(let port),
             .unknownDefaultedInput(let port), .defaultedInputConnected(let port):
            object["port"] = port.json
        case .unknownNode(let node, let edge):
            object["node"] = .string(node)
            object["edge"] = edge.json
        case .unknownOutput(let port, let edge), .unknownInput(let port, let edge):
            object["port"] = port.json
            object["edge"] = edge.json
        case .typeMismatch(let edge, let output, let input):
            object["edge"] = edge.json
            object["output_type"] = .string(output.rawValue)
            object["input_type"] = .string(input.rawValue)
        case .inputFedTwice(let port, let edges):
            object["port"] = port.json
            object["edges"] = .array(edges.map(\.json))
        case .cycle(let nodes):
            object["nodes"] = .array(nodes.map(JSONValue.string))
        case .ambiguousOpenInput(let name, let ports), .ambiguousOpenOutput(let name, let ports):
            object["name"] = .string(name)
            object["ports"] = .array(ports.map(\.json))
        }
        return .object(object)
    }
}
