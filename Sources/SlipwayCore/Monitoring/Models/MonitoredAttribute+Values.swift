import Foundation

extension MonitoredAttribute {
    /// Checks that `value` has this attribute's type, without converting it: an integer
    /// attribute takes whole numbers only, a float any finite number, a boolean only `true` or
    /// `false`, a string or timestamp only text (a timestamp in ISO 8601). Null is a missing
    /// value and always accepted. Returns the problem, or nil when the value fits.
    public func problem(with value: FeatureValue) -> String? {
        if case .null = value { return nil }
        let fits: Bool
        switch valueType {
        case .integer:
            if case .number(let number) = value { fits = number.isFinite && number.rounded() == number } else { fits = false }
        case .float:
            if case .number(let number) = value { fits = number.isFinite } else { fits = false }
        case .boolean:
            if case .bool = value { fits = true } else { fits = false }
        case .string, .unstructuredText, .image:
            if case .string = value { fits = true } else { fits = false }
        case .timestamp:
            if case .string(let text) = value { fits = Self.timestamp(text) != nil } else { fits = false }
        case .boundingBox, .json:
            fits = true
        }
        guard !fits else { return nil }
        return "attribute '\(NameRules.printable(name))' must be \(valueType.article) \(valueType.description), got \(Self.describe(value))"
    }

    /// Reads a text field (a CSV cell) as this attribute's type: a number for integer and float
    /// attributes, `true`/`false` for booleans, the text itself for text types; an empty field
    /// is a missing value. Text that does not read as the type is refused, never guessed at.
    public func value(fromText text: String) -> Result<FeatureValue, SlipwayError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .success(.null) }
        var refused: SlipwayError {
            .badRequest("attribute '\(NameRules.printable(name))' must be \(valueType.article) "
                + "\(valueType.description), got '\(NameRules.printable(trimmed, limit: 40))'")
        }
        switch valueType {
        case .integer:
            guard let number = Double(trimmed), number.isFinite, number.rounded() == number else { return .failure(refused) }
            return .success(.number(number))
        case .float:
            guard let number = Double(trimmed), number.isFinite else { return .failure(refused) }
            return .success(.number(number))
        case .boolean:
            switch trimmed.lowercased() {
            case "true": return .success(.bool(true))
            case "false": return .success(.bool(false))
            default: return .failure(refused)
            }
        case .timestamp:
            return Self.timestamp(trimmed) == nil ? .failure(refused) : .success(.string(trimmed))
        case .string, .unstructuredText, .image:
            return .success(.string(text))
        case .boundingBox, .json:
            guard let json = try? JSONValue.parse(trimmed) else { return .failure(refused) }
            return .success(FeatureValue(json: json))
        }
    }

    /// An ISO 8601 (RFC 3339) date and time with a zone, with or without fractional seconds.
    public static func timestamp(_ text: String) -> Date? {
        RFC3339Time.date(from: text)
    }

    static func describe(_ value: FeatureValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): "the boolean \(flag)"
        case .number(let number): "the number \(number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number))"
        case .string(let text): "the string '\(NameRules.printable(text, limit: 40))'"
        case .vector: "a list of numbers"
        case .json(let json): json.arrayValue != nil ? "a list" : "an object"
        }
    }
}

extension MonitoredAttribute.ValueType: CustomStringConvertible {
    public var description: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "number"
        case .boolean: "boolean"
        case .timestamp: "ISO 8601 timestamp"
        case .image: "image reference"
        case .boundingBox: "bounding box"
        case .unstructuredText: "text"
        case .json: "JSON value"
        }
    }

    var article: String { [.integer, .image, .timestamp].contains(self) ? "an" : "a" }
}
