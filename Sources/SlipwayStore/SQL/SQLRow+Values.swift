import Foundation
import SQLKit
import SlipwayCore

/// Column readers in the types the schema stores: timestamps as seconds since 1970 in
/// `DOUBLE PRECISION`, booleans as integers 0 and 1, JSON documents as text.
extension SQLRow {
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try decode(column: column, as: Double.self)) }
    func optionalDate(_ column: String) throws -> Date? {
        try decode(column: column, as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }
    func int(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func double(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Int.self) != 0 }
    func json<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        try storedJSONDecoder().decode(T.self, from: Data(try string(column).utf8))
    }
    func optionalJSON<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        guard let text = try optionalString(column) else { return nil }
        return try storedJSONDecoder().decode(T.self, from: Data(text.utf8))
    }
}

func encodeJSON(_ value: [String: JSONValue]) -> String {
    JSONValue.object(value).jsonString()
}

func encodeJSON(_ value: JSONValue) -> String {
    value.jsonString()
}

/// Non-finite numbers (a drift summary of an empty window, say) are stored as strings rather
/// than failing the whole document.
private let nonFiniteNumbers = (positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")

func storedJSONDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
        positiveInfinity: nonFiniteNumbers.positiveInfinity, negativeInfinity: nonFiniteNumbers.negativeInfinity,
        nan: nonFiniteNumbers.nan)
    return decoder
}

func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: nonFiniteNumbers.positiveInfinity, negativeInfinity: nonFiniteNumbers.negativeInfinity,
        nan: nonFiniteNumbers.nan)
    return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
}
