import Foundation

/// One field of an Arrow schema (a column, or the element/member of a nested type).
public struct ArrowField: Sendable, Hashable {
    public var name: String
    public var type: ArrowType
    public var nullable: Bool
    /// Custom key/value metadata of the field.
    public var metadata: [String: String]

    public init(_ name: String, _ type: ArrowType, nullable: Bool = true, metadata: [String: String] = [:]) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.metadata = metadata
    }

    /// The child fields of a nested type (list element, struct members), empty otherwise.
    public var children: [ArrowField] { type.children }
}
