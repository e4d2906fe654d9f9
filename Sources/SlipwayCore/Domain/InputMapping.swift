import Foundation

/// The source chosen for one pipeline input.
public struct InputMapping: Sendable, Equatable {
    public var input: String
    public var source: InputSource

    public init(input: String, source: InputSource) {
        self.input = input
        self.source = source
    }

    /// `{"input": …, "source": kind, …parameters}`: the store's encoding.
    public var stored: JSONValue {
        var object = source.parameters
        object["input"] = .string(input)
        object["source"] = .string(source.kind.rawValue)
        return .object(object)
    }

    public init?(stored: JSONValue) {
        guard let object = stored.objectValue, let input = object["input"]?.stringValue,
              let kind = object["source"]?.stringValue.flatMap(InputSource.Kind.init(rawValue:)),
              let source = InputSource(kind: kind, parameters: object)
        else { return nil }
        self.init(input: input, source: source)
    }
}
