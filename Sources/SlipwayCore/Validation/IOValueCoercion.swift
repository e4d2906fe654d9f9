import Foundation

/// Checks that a value matches a declared data type, converting where the wire format lost
/// type information (flattened forms carry every leaf as text).
public enum IOValueCoercion {
    /// Strict check for values that arrived as JSON (run inputs, function outputs).
    public static func check(_ value: JSONValue, as type: IODataType, name: String, role: String) throws(SlipwayError) {
        let ok: Bool
        switch (type, value) {
        case (_, .null): ok = true
        case (.string, .string), (.number, .number), (.boolean, .bool), (.array, .array): ok = true
        case (.json, _): ok = true
        case (.file, .object(let object)): ok = object["path"]?.stringValue != nil
        default: ok = false
        }
        guard ok else {
            throw .badRequest("\(role) '\(name)' must be of type \(type.rawValue), got \(describe(value))",
                              details: .object(["name": .string(name), "expected": .string(type.rawValue)]))
        }
    }

    /// Converts a default value that arrived flattened as text into the declared type.
    public static func fromFormText(_ value: JSONValue, as type: IODataType, name: String) throws(SlipwayError) -> JSONValue {
        switch (type, value) {
        case (.number, .string(let text)):
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw .badRequest("default value of input '\(name)' must be a number")
            }
            return .number(number)
        case (.boolean, .string(let text)):
            switch text.lowercased() {
            case "true", "1": return .bool(true)
            case "false", "0": return .bool(false)
            default: throw .badRequest("default value of input '\(name)' must be a boolean")
            }
        case (.json, .string(let text)):
            // A JSON scalar default is flattened to its str(); keep valid JSON when it parses.
            if let parsed = try? JSONValue.parse(text), !(parsed.stringValue != nil) { return parsed }
            return .string(text)
        case (.array, .object(let object)) where object.isEmpty:
            return .array([])
        case (.file, _):
            throw .badRequest("input '\(name)' of type file cannot have a default value")
        default:
            return value
        }
    }

    /// Size in bytes of a value once serialised, for the I/O size limit.
    public static func encodedSize(_ value: JSONValue) -> Int {
        JSONTextWriter.bytes(of: value).count
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
