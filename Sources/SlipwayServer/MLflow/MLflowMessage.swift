import Foundation
import Hummingbird
import SlipwayCore

/// The request message of an MLflow RPC: the query parameters of a GET (a repeated key is a
/// list, every value text), the JSON object body of any other method (an empty body is `{}`).
/// Accessors read fields the way MLflow's server does: text that spells a number counts as
/// one, a missing field is nil, a field of the wrong type is `INVALID_PARAMETER_VALUE` naming it.
struct MLflowMessage: Sendable {
    let fields: [String: JSONValue]

    init(fields: [String: JSONValue]) {
        self.fields = fields
    }

    /// A string field; numbers and booleans are read as their text.
    func string(_ name: String) throws -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case .number(let value)?: return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value)?: return value ? "true" : "false"
        case .array(let values)? where values.count == 1: return try MLflowMessage(fields: [name: values[0]]).string(name)
        default: throw MLflowError.invalidParameter("'\(name)' must be a string")
        }
    }

    /// A required string field (missing or empty is `INVALID_PARAMETER_VALUE`, as in MLflow).
    func requiredString(_ name: String) throws -> String {
        guard let value = try string(name), !value.isEmpty else {
            throw MLflowError.invalidParameter("Missing value for required parameter '\(name)'. See the API docs for more information about request parameters.")
        }
        return value
    }

    func int64(_ name: String) throws -> Int64? {
        switch fields[name] {
        case nil, .null?: return nil
        case .number(let value)? where value.rounded() == value && abs(value) <= 9.2e18: return Int64(value)
        case .string(let text)?: if let value = Int64(text) { return value }
        case .array(let values)? where values.count == 1: return try MLflowMessage(fields: [name: values[0]]).int64(name)
        default: break
        }
        throw MLflowError.invalidParameter("'\(name)' must be an integer")
    }

    /// A number; MLflow accepts the text `NaN`, `Infinity` and `-Infinity` for metric values.
    func double(_ name: String) throws -> Double? {
        switch fields[name] {
        case nil, .null?: return nil
        case .number(let value)?: return value
        case .string(let text)?:
            switch text {
            case "NaN", "nan": return .nan
            case "Infinity", "inf": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default: if let value = Double(text) { return value }
            }
        default: break
        }
        throw MLflowError.invalidParameter("'\(name)' must be a number")
    }

    func bool(_ name: String) throws -> Bool? {
        switch fields[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .string(let text)?:
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        default: break
        }
        throw MLflowError.invalidParameter("'\(name)' must be a boolean")
    }

    /// A repeated string field (a single value reads as a list of one).
    func strings(_ name: String) throws -> [String] {
        switch fields[name] {
        case nil, .null?: return []
        case .array(let values)?:
            return try values.map { value in
                guard let text = try MLflowMessage(fields: ["item": value]).string("item") else {
                    throw MLflowError.invalidParameter("'\(name)' must be a list of strings")
                }
                return text
            }
        default: return try string(name).map { [$0] } ?? []
        }
    }

    /// A repeated message field: each element must be a JSON object.
    func messages(_ name: String) throws -> [MLflowMessage] {
        switch fields[name] {
        case nil, .null?: return []
        case .array(let values)?:
            return try values.map { value in
                guard case .object(let object) = value else { throw MLflowError.invalidParameter("'\(name)' must be a list of objects") }
                return MLflowMessage(fields: object)
            }
        default: throw MLflowError.invalidParameter("'\(name)' must be a list of objects")
        }
    }

    /// A nested message field.
    func message(_ name: String) throws -> MLflowMessage? {
        switch fields[name] {
        case nil, .null?: return nil
        case .object(let object)?: return MLflowMessage(fields: object)
        default: throw MLflowError.invalidParameter("'\(name)' must be an object")
        }
    }
}

extension Request {
    /// The RPC's message: query parameters on GET and HEAD, the JSON object body otherwise
    /// (over `limit` bytes is a 413; not JSON or not an object is `BAD_REQUEST`-style
    /// `INVALID_PARAMETER_VALUE`).
    func mlflowMessage(limit: Int = MLflowDialect.maxJSONBodyBytes) async throws -> MLflowMessage {
        if method == .get || method == .head {
            var fields: [String: JSONValue] = [:]
            // Form encoding, as Python's `requests` writes it: `+` is a space (`%2B` a plus).
            let decode: (Substring) -> String = {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            let pairs = (uri.query ?? "").split(separator: "&").map { pair -> (String, String) in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
            }
            for (key, value) in pairs {
                let value = JSONValue.string(value)
                switch fields[key] {
                case nil: fields[key] = value
                case .array(let values)?: fields[key] = .array(values + [value])
                case let existing?: fields[key] = .array([existing, value])
                }
            }
            return MLflowMessage(fields: fields)
        }
        let buffer = try await collectBody(limit: limit)
        guard buffer.readableBytes > 0 else { return MLflowMessage(fields: [:]) }
        guard let value = try? JSONValue.parse(buffer) else {
            throw MLflowError(.malformedRequest, "the request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw MLflowError(.malformedRequest, "the request body must be a JSON object")
        }
        return MLflowMessage(fields: object)
    }
}
