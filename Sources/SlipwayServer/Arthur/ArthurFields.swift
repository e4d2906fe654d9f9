import Foundation
import SlipwayCore

/// Reads the fields of an Arthur JSON object with their expected types; every problem is a 400
/// naming the field (`'model.input_type' must be one of …`); unknown fields are ignored.
struct ArthurFields {
    let object: [String: JSONValue]
    let what: String

    init(_ object: [String: JSONValue], what: String) {
        self.object = object
        self.what = what
    }

    func present(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = present(key) else { return nil }
        guard let text = value.stringValue else { throw SlipwayError.badRequest("'\(what).\(key)' must be a string") }
        return text
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key) else { throw SlipwayError.badRequest("'\(what).\(key)' is required") }
        return text
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = present(key) else { return nil }
        guard case .bool(let flag) = value else { throw SlipwayError.badRequest("'\(what).\(key)' must be a boolean") }
        return flag
    }

    func int(_ key: String) throws -> Int? {
        guard let value = present(key) else { return nil }
        guard case .number(let number) = value, number.rounded() == number, abs(number) < 1e15 else {
            throw SlipwayError.badRequest("'\(what).\(key)' must be an integer")
        }
        return Int(number)
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let items = value.arrayValue else { throw SlipwayError.badRequest("'\(what).\(key)' must be a list") }
        return items
    }

    func objectValue(_ key: String) throws -> [String: JSONValue]? {
        guard let value = present(key) else { return nil }
        guard let inner = value.objectValue else { throw SlipwayError.badRequest("'\(what).\(key)' must be an object") }
        return inner
    }

    func enumeration<T>(_ key: String, _ table: [String: T]) throws -> T {
        let text = try requiredString(key)
        guard let value = table[text.uppercased()] else {
            throw SlipwayError.badRequest("'\(what).\(key)' must be one of \(table.keys.sorted().joined(separator: ", ")); "
                + "got '\(NameRules.printable(text))'")
        }
        return value
    }

    /// An ISO 8601 time (`2024-01-31T12:00:00Z`, `…00.123456+00:00`, or without a zone: UTC).
    func time(_ key: String) throws -> Date? {
        guard let text = try string(key) else { return nil }
        guard let date = ArthurTime.parse(text) else {
            throw SlipwayError.badRequest("'\(what).\(key)' must be an ISO 8601 time; got '\(NameRules.printable(text))'")
        }
        return date
    }
}

/// ISO 8601 times as Python writes them (`isoformat()`: microseconds, `+00:00`, or no zone).
enum ArthurTime {
    static func parse(_ text: String) -> Date? {
        RFC3339Time.date(assumingUTC: text.trimmingCharacters(in: .whitespaces))
    }
}
