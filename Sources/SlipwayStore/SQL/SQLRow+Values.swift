import Foundation
import SQLKit
import SQLiteKit
import SlipwayCore

/// Column readers in the types the schema stores: timestamps as seconds since 1970 in
/// `DOUBLE PRECISION`, booleans as integers 0 and 1, JSON documents as text.
///
/// An SQLite row is read directly when the stored value has the expected storage class (the
/// generic `decode(column:as:)` goes through `Decodable` and costs several times more per
/// column, which shows when a page holds tens of thousands of rows); anything else takes the
/// generic path, so conversions and errors are the same on both backends.
extension SQLRow {
    func string(_ column: String) throws -> String {
        if let row = self as? SQLiteRow, case .text(let text)? = row.column(column) { return text }
        return try decode(column: column, as: String.self)
    }
    func optionalString(_ column: String) throws -> String? {
        if let row = self as? SQLiteRow {
            switch row.column(column) {
            case .text(let text)?: return text
            case .null?: return nil
            default: break
            }
        }
        return try decode(column: column, as: String?.self)
    }
    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try double(column)) }
    func optionalDate(_ column: String) throws -> Date? {
        if let row = self as? SQLiteRow, case .null? = row.column(column) { return nil }
        return try decode(column: column, as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }
    func int(_ column: String) throws -> Int {
        if let row = self as? SQLiteRow, case .integer(let value)? = row.column(column) { return Int(value) }
        return try decode(column: column, as: Int.self)
    }
    func int64(_ column: String) throws -> Int64 {
        if let row = self as? SQLiteRow, case .integer(let value)? = row.column(column) { return Int64(value) }
        return try decode(column: column, as: Int64.self)
    }
    func double(_ column: String) throws -> Double {
        if let row = self as? SQLiteRow {
            switch row.column(column) {
            case .float(let value)?: return value
            case .integer(let value)?: return Double(value)
            default: break
            }
        }
        return try decode(column: column, as: Double.self)
    }
    func bool(_ column: String) throws -> Bool { try int(column) != 0 }
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
