import Foundation
import Hummingbird
import SlipwayCore

extension Request {
    /// Decodes a Wallaroo JSON body into `T` (a `Decodable` request type; keys it does not
    /// declare are ignored). An empty body reads as `{}`. Every problem is a 400 that says what
    /// is wrong: not JSON, not an object, a required field missing (`'workspace_id' is
    /// required`), a field of the wrong type (`'workspace_id' must be an integer`); a body over
    /// `limit` bytes is a 413.
    func wallarooBody<T: Decodable>(_ type: T.Type, limit: Int = WallarooDialect.maxJSONBodyBytes) async throws -> T {
        let buffer = try await collectBody(limit: limit)
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer: buffer)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw SlipwayError.badRequest(Self.describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { text, key in
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is required"
        case .valueNotFound(_, let context):
            return context.codingPath.isEmpty ? "the request body must be a JSON object"
                : "'\(path(context.codingPath))' must not be null"
        case .typeMismatch(let type, let context):
            guard !context.codingPath.isEmpty else { return "the request body must be a JSON object" }
            return "'\(path(context.codingPath))' must be \(Self.typeName(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the request body is not valid JSON"
                : "'\(path(context.codingPath))' is invalid"
        @unknown default:
            return "the request body is invalid"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is [Any].Type: "an array"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
