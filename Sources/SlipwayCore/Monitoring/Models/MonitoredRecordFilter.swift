import Foundation

/// Conditions on a monitored model's records, all of which must hold: comparisons of an
/// attribute's value, the inference time, the inference id or the batch id with a value.
/// Numbers compare as numbers, text as text, times as times; a record whose value is missing
/// or of another kind does not match (except for `notEqual`).
public struct MonitoredRecordFilter: Sendable, Equatable {
    public enum Subject: Sendable, Equatable {
        case attribute(String)
        case time
        case externalID
        case batchID
    }

    public enum Comparison: String, Sendable, Equatable {
        case equal, notEqual, greaterThan, greaterOrEqual, lessThan, lessOrEqual
        /// The value is a list; the record's value is one of its items.
        case oneOf
        /// Text containing the value, `%` matching any run of characters (SQL `LIKE`, no case).
        case like
    }

    public struct Condition: Sendable, Equatable {
        public var subject: Subject
        public var comparison: Comparison
        public var value: JSONValue

        public init(_ subject: Subject, _ comparison: Comparison, _ value: JSONValue) {
            self.subject = subject
            self.comparison = comparison
            self.value = value
        }
    }

    public var conditions: [Condition]

    public init(_ conditions: [Condition] = []) {
        self.conditions = conditions
    }

    /// Attribute conditions name declared attributes; time conditions compare with ISO 8601
    /// text; `oneOf` takes a list.
    public func validate(for model: MonitoredModel) throws(SlipwayError) {
        for condition in conditions {
            if case .attribute(let name) = condition.subject, model.attribute(named: name) == nil {
                throw .badRequest("model '\(NameRules.printable(model.displayName))' has no attribute '\(NameRules.printable(name))'")
            }
            if condition.subject == .time, condition.comparison != .oneOf,
               condition.value.stringValue.flatMap(MonitoredAttribute.timestamp) == nil {
                throw .badRequest("a time filter needs an ISO 8601 time")
            }
            if condition.comparison == .oneOf, condition.value.arrayValue == nil {
                throw .badRequest("an 'in' filter needs a list of values")
            }
        }
    }

    /// The window the time conditions bound, for stores to read only that: `[start, end)`.
    public var timeWindow: (start: Date?, end: Date?) {
        var start: Date?
        var end: Date?
        for condition in conditions where condition.subject == .time {
            guard let date = condition.value.stringValue.flatMap(MonitoredAttribute.timestamp) else { continue }
            switch condition.comparison {
            case .greaterThan, .greaterOrEqual: start = max(start ?? date, date)
            case .lessThan: end = min(end ?? date, date)
            case .lessOrEqual: end = min(end ?? date, date.addingTimeInterval(0.001))
            default: break
            }
        }
        return (start, end)
    }

    public func matches(values: [String: FeatureValue], time: Date?, externalID: String?, batchID: String?) -> Bool {
        conditions.allSatisfy { condition in
            let actual: JSONValue?
            switch condition.subject {
            case .attribute(let name): actual = values[name]?.json
            case .time: actual = time.map { JSONValue.number($0.timeIntervalSince1970) }
            case .externalID: actual = externalID.map(JSONValue.string)
            case .batchID: actual = batchID.map(JSONValue.string)
            }
            var expected = condition.value
            if condition.subject == .time, let date = condition.value.stringValue.flatMap(MonitoredAttribute.timestamp) {
                expected = JSONValue.number(date.timeIntervalSince1970)
            }
            return Self.holds(condition.comparison, actual, expected)
        }
    }

    static func holds(_ comparison: Comparison, _ actual: JSONValue?, _ expected: JSONValue) -> Bool {
        guard let actual, actual != .null else { return comparison == .notEqual }
        switch comparison {
        case .equal: return same(actual, expected)
        case .notEqual: return !same(actual, expected)
        case .oneOf: return expected.arrayValue?.contains { same(actual, $0) } ?? false
        case .like:
            guard case .string(let text) = actual, case .string(let pattern) = expected else { return false }
            return like(text.lowercased(), pattern.lowercased())
        case .greaterThan, .greaterOrEqual, .lessThan, .lessOrEqual:
            let order: ComparisonResult
            switch (actual, expected) {
            case (.number(let a), .number(let b)): order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
            case (.string(let a), .string(let b)): order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
            default: return false
            }
            switch comparison {
            case .greaterThan: return order == .orderedDescending
            case .greaterOrEqual: return order != .orderedAscending
            case .lessThan: return order == .orderedAscending
            default: return order != .orderedDescending
            }
        }
    }

    /// Equal JSON, or a number and its text (`5` and `"5"`), or a boolean and its text.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.number(let x), .string(let text)), (.string(let text), .number(let x)): return Double(text) == x
        case (.bool(let flag), .string(let text)), (.string(let text), .bool(let flag)): return text.lowercased() == String(flag)
        default: return false
        }
    }

    static func like(_ text: String, _ pattern: String) -> Bool {
        let parts = pattern.split(separator: "%", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return text == pattern }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return parts.last!.isEmpty || rest.hasSuffix(parts.last!)
    }
}
