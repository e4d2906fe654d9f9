import Foundation

/// One input or output of one node of a pipeline graph, addressed by node name and port name.
public struct PipelinePort: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var node: String
    public var name: String

    public init(node: String, name: String) {
        self.node = node
        self.name = name
    }

    /// `node.port`, the way errors and logs name a port.
    public var description: String { "\(node).\(name)" }

    public static func < (lhs: PipelinePort, rhs: PipelinePort) -> Bool {
        (lhs.node, lhs.name) < (rhs.node, rhs.name)
    }

    var json: JSONValue { .object(["node": .string(node), "name": .string(name)]) }
}
