import Foundation

/// The value of one named feature of an inference (an input, an output or a ground truth).
///
/// Numbers, booleans, strings, null and flat numeric vectors are typed, so that drift maths can
/// read them without parsing; any other JSON (nested lists, lists of strings, objects) is kept
/// as ``json(_:)``. Converting from JSON and back gives the same JSON, and two values are equal
/// when their JSON is (`.json(.number(1)) == .number(1)`).
public enum FeatureValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case vector([Double])
    case json(JSONValue)

    /// The typed value of `json`: an array of numbers only (or an empty array) is a vector.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = .number(value)
        case .string(let value): self = .string(value)
        case .array(let items):
            var numbers: [Double] = []
            numbers.reserveCapacity(items.count)
            for item in items {
                guard case .number(let number) = item else {
                    self = .json(json)
                    return
                }
                numbers.append(number)
            }
            self = .vector(numbers)
        case .object: self = .json(json)
        }
    }

    public var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        case .vector(let values): .array(values.map(JSONValue.number))
        case .json(let value): value
        }
    }

    /// The value as a number for numeric columns: a finite number, a boolean as 0 or 1, or nil.
    public var numericValue: Double? {
        switch self {
        case .number(let value): value.isFinite ? value : nil
        case .bool(let value): value ? 1 : 0
        case .null, .string, .vector, .json: nil
        }
    }

    public static func == (lhs: FeatureValue, rhs: FeatureValue) -> Bool {
        if case .vector(let left) = lhs, case .vector(let right) = rhs { return left == right }
        return lhs.json == rhs.json
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
