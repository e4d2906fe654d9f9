import Foundation

/// Names a ``Secret`` of the same workspace, recorded where a secret value would otherwise be
/// written (connection details, settings), so that the value itself is never stored there.
///
/// Inside a JSON document a reference is the object `{"$secret": "<name>"}`, with no other key.
public struct SecretReference: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var name: String

    public init(name: String) {
        self.name = name
    }

    /// The key that marks a reference object inside JSON.
    public static let jsonKey = "$secret"

    public var json: JSONValue { .object([Self.jsonKey: .string(name)]) }

    /// The reference `json` is, or nil when it is anything else. A malformed reference object
    /// (extra keys, a non-string name) is nil too: ``references(in:)`` refuses it.
    public init?(json: JSONValue) {
        guard let object = json.objectValue, object.count == 1, let name = object[Self.jsonKey]?.stringValue else {
            return nil
        }
        self.name = name
    }

    /// Every reference in a JSON document, sorted and without repeats.
    /// - Throws: bad request for an object that uses `$secret` but is not exactly a reference,
    ///   or names a secret invalidly (``Secret/validateName(_:)``).
    public static func references(in json: JSONValue) throws(SlipwayError) -> [SecretReference] {
        var found = Set<SecretReference>()
        try collect(json, into: &found)
        return found.sorted()
    }

    private static func collect(_ json: JSONValue, into found: inout Set<SecretReference>) throws(SlipwayError) {
        switch json {
        case .object(let object) where object[jsonKey] != nil:
            guard let reference = SecretReference(json: json) else {
                throw .badRequest("a secret reference must be exactly {\"\(jsonKey)\": \"<secret name>\"}")
            }
            try Secret.validateName(reference.name)
            found.insert(reference)
        case .object(let object):
            for value in object.values { try collect(value, into: &found) }
        case .array(let values):
            for value in values { try collect(value, into: &found) }
        case .null, .bool, .number, .string:
            break
        }
    }

    public var description: String { "secret '\(name)'" }

    public static func < (lhs: SecretReference, rhs: SecretReference) -> Bool { lhs.name < rhs.name }
}
