import Foundation
import Hummingbird
import SlipwayCore

/// A CORDS JSON request body: an object whose fields are read with their expected types. Every
/// problem is a 400 naming the field (`'name' is required`, `'keywords' must be an array of
/// strings`); unknown fields are ignored; a body over the limit is a 413.
struct CORDSRequestBody {
    let fields: [String: JSONValue]

    init(_ request: Request, allowEmpty: Bool = false) async throws {
        let buffer = try await request.collectBody(limit: CORDSDialect.maxJSONBodyBytes)
        if buffer.readableBytes == 0 {
            guard allowEmpty else { throw SlipwayError.badRequest("the request body must be a JSON object") }
            fields = [:]
            return
        }
        guard let value = try? JSONValue.parse(Data(buffer: buffer)) else {
            throw SlipwayError.badRequest("the request body is not valid JSON")
        }
        guard let object = value.objectValue else { throw SlipwayError.badRequest("the request body must be a JSON object") }
        fields = object
    }

    func has(_ key: String) -> Bool { fields[key] != nil }

    func string(_ key: String) throws -> String? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let text = value.stringValue else { throw SlipwayError.badRequest("'\(key)' must be a string") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw SlipwayError.badRequest("'\(key)' is required") }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw SlipwayError.badRequest("'\(key)' must not be empty") }
        return text
    }

    /// A string, or a number written as text (`"version": 1.0` reads as `1`… so numbers keep their text form).
    func text(_ key: String) throws -> String? {
        guard let value = fields[key], !value.isNull else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let number): return SemanticQuery.shortText(number)
        default: throw SlipwayError.badRequest("'\(key)' must be a string")
        }
    }

    func strings(_ key: String) throws -> [String]? {
        guard let value = fields[key], !value.isNull else { return nil }
        if let text = value.stringValue { return [text] }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            throw SlipwayError.badRequest("'\(key)' must be an array of strings")
        }
        return items.compactMap(\.stringValue)
    }

    func object(_ key: String) throws -> [String: JSONValue]? {
        guard let value = fields[key], !value.isNull else { return nil }
        guard let object = value.objectValue else { throw SlipwayError.badRequest("'\(key)' must be an object") }
        return object
    }
}

extension Request {
    /// A query parameter of a CORDS call, decoded as HTML forms encode it (`+` is a space, then
    /// percent-escapes), as `requests` and browsers send it.
    func cordsQuery(_ name: String) -> String? {
        guard let query = uri.query else { return nil }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            guard key == name else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
        }
        return nil
    }
}
