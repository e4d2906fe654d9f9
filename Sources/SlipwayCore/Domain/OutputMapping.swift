import Foundation

/// The destination chosen for one pipeline output.
public struct OutputMapping: Sendable, Equatable {
    public var output: String
    public var destination: OutputDestination

    public init(output: String, destination: OutputDestination) {
        self.output = output
        self.destination = destination
    }

    /// `{"output": …, "destination": kind, …parameters}`: the store's encoding.
    public var stored: JSONValue {
        var object = destination.parameters
        object["output"] = .string(output)
        object["destination"] = .string(destination.kind.rawValue)
        return .object(object)
    }

    public init?(stored: JSONValue) {
        guard let object = stored.objectValue, let output = object["output"]?.stringValue,
              let kind = object["destination"]?.stringValue.flatMap(OutputDestination.Kind.init(rawValue:)),
              let destination = OutputDestination(kind: kind, parameters: object)
        else { return nil }
        self.init(output: output, destination: destination)
    }
}
