import Foundation

/// Data flowing from one node's output to another node's input.
public struct PipelineEdge: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An output port.
    public var from: PipelinePort
    /// An input port.
    public var to: PipelinePort

    public init(from: PipelinePort, to: PipelinePort) {
        self.from = from
        self.to = to
    }

    /// Shorthand: `PipelineEdge("a", "out", to: "b", "in")`.
    public init(_ fromNode: String, _ output: String, to toNode: String, _ input: String) {
        self.init(from: PipelinePort(node: fromNode, name: output), to: PipelinePort(node: toNode, name: input))
    }

    public var description: String { "\(from) -> \(to)" }

    var json: JSONValue { .object(["from": from.json, "to": to.json]) }
}
