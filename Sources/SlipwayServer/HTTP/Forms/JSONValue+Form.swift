import Foundation
import SlipwayCore

/// Typed readers for values decoded by ``BracketForm``, where every leaf is a string.
///
/// They also accept the native JSON type, so the same code can read a JSON body.
extension JSONValue {
    /// `True`/`true`/`1` → true, `False`/`false`/`0` → false (also a JSON bool); otherwise nil.
    public var formBool: Bool? {
        switch self {
        case .bool(let value): return value
        case .number(let value) where value == 0 || value == 1: return value == 1
        case .string(let text):
            switch text {
            case "True", "true", "1": return true
            case "False", "false", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// True for an explicit null: the empty string the SDK sends for `None`, or JSON `null`.
    public var isFormNull: Bool {
        switch self {
        case .null: true
        case .string(let text): text.isEmpty
        default: false
        }
    }

    /// The string value, or nil for an explicit null (`""`) or a non-string value.
    public var formString: String? {
        guard case .string(let text) = self, !text.isEmpty else { return nil }
        return text
    }

    /// An integer from a decimal string (surrounding whitespace allowed) or a whole JSON number.
    public var formInt: Int? {
        switch self {
        case .number(let value): return value.rounded() == value && abs(value) < 9.2e18 ? Int(value) : nil
        case .string(let text): return Int(text.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// A finite number from a decimal string or a JSON number.
    public var formDouble: Double? {
        switch self {
        case .number(let value): return value
        case .string(let text):
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else { return nil }
            return value
        default: return nil
        }
    }

    /// The elements of an array; an explicit null (`""`/`null`) reads as empty, since the SDK
    /// omits empty lists entirely. Nil for any other value.
    public var formArray: [JSONValue]? {
        if case .array(let items) = self { return items }
        return isFormNull ? [] : nil
    }
}
