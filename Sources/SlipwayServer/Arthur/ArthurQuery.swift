import Foundation
import SlipwayCore

/// Arthur's query body (`select`, `filter`, `from`, `limit`, `offset`) read into what the core
/// evaluates, and rows rendered back: `select` items are `{"property": "*" | name}` or
/// `{"function": "count"}` (with an optional `alias`); filters are `{"property", "comparator":
/// eq|ne|gt|gte|lt|lte|in|like, "value"}`; `from` is `inference` (default) or `reference`.
/// `partner_inference_id`, `inference_timestamp`, `batch_id` and `ground_truth_timestamp` are
/// properties beside the attributes.
struct ArthurQuery {
    enum Selection: Equatable {
        case property(String, alias: String?)
        case count(alias: String?)
    }

    var selections: [Selection]
    var filter: MonitoredRecordFilter
    var source: MonitoringService.RowSource
    var limit: Int?
    var offset: Int

    static let comparators: [String: MonitoredRecordFilter.Comparison] = [
        "eq": .equal, "ne": .notEqual, "neq": .notEqual, "gt": .greaterThan, "gte": .greaterOrEqual, "lt": .lessThan,
        "lte": .lessOrEqual, "in": .oneOf, "like": .like,
    ]

    init(_ body: [String: JSONValue]) throws {
        let fields = ArthurFields(body, what: "query")
        selections = try (fields.array("select") ?? [.object(["property": .string("*")])]).enumerated().map { index, item -> Selection in
            guard let object = item.objectValue else { throw SlipwayError.badRequest("'select[\(index)]' must be an object") }
            let field = ArthurFields(object, what: "select[\(index)]")
            if let function = try field.string("function") {
                guard function == "count" else { throw SlipwayError.notImplemented("query function '\(NameRules.printable(function))' is not supported (count is)") }
                return .count(alias: try field.string("alias"))
            }
            return .property(try field.requiredString("property"), alias: try field.string("alias"))
        }
        filter = try Self.filter(try fields.array("filter") ?? [], what: "filter")
        switch try fields.string("from") ?? "inference" {
        case "inference", "enriched": source = .inferences
        case "reference": source = .reference
        case let other: throw SlipwayError.badRequest("'query.from' must be 'inference' or 'reference', got '\(NameRules.printable(other))'")
        }
        limit = try fields.int("limit")
        offset = try fields.int("offset") ?? 0
        if let limit, limit < 0 { throw SlipwayError.badRequest("'query.limit' must not be negative") }
        if offset < 0 { throw SlipwayError.badRequest("'query.offset' must not be negative") }
    }

    static func filter(_ items: [JSONValue], what: String) throws -> MonitoredRecordFilter {
        MonitoredRecordFilter(try items.enumerated().map { index, item -> MonitoredRecordFilter.Condition in
            guard let object = item.objectValue else { throw SlipwayError.badRequest("'\(what)[\(index)]' must be an object") }
            let field = ArthurFields(object, what: "\(what)[\(index)]")
            let comparator = try field.requiredString("comparator")
            guard let comparison = comparators[comparator] else {
                throw SlipwayError.badRequest("'\(what)[\(index)].comparator' must be one of \(comparators.keys.sorted().joined(separator: ", "))")
            }
            guard let value = object["value"] else { throw SlipwayError.badRequest("'\(what)[\(index)].value' is required") }
            return .init(subject(try field.requiredString("property")), comparison, value)
        })
    }

    static func subject(_ property: String) -> MonitoredRecordFilter.Subject {
        switch property {
        case "inference_timestamp": .time
        case "partner_inference_id": .externalID
        case "batch_id": .batchID
        default: .attribute(property)
        }
    }

    /// The answer rows: one count row, or the selected properties of each row in the page.
    func render(_ rows: [MonitoredRow], model: MonitoredModel) throws -> [JSONValue] {
        if selections.contains(where: { if case .count = $0 { true } else { false } }) {
            var row: [String: JSONValue] = [:]
            for case .count(let alias) in selections { row[alias ?? "count"] = .number(Double(rows.count)) }
            return [.object(row)]
        }
        for case .property(let name, _) in selections where name != "*" {
            if model.attribute(named: name) == nil, !Self.fixedProperties.contains(name) {
                throw SlipwayError.badRequest("model '\(NameRules.printable(model.displayName))' has no attribute '\(NameRules.printable(name))'")
            }
        }
        let page = rows.dropFirst(offset).prefix(limit ?? rows.count)
        return page.map { row -> JSONValue in
            var object: [String: JSONValue] = [:]
            for case .property(let name, let alias) in selections {
                if name == "*" {
                    for attribute in model.attributes { object[attribute.name] = row.values[attribute.name]?.json ?? .null }
                    for fixed in Self.fixedProperties { object[fixed] = Self.fixed(fixed, of: row) }
                } else {
                    object[alias ?? name] = Self.fixedProperties.contains(name) ? Self.fixed(name, of: row) : row.values[name]?.json ?? .null
                }
            }
            return .object(object)
        }
    }

    static let fixedProperties = ["partner_inference_id", "inference_timestamp", "batch_id", "ground_truth_timestamp"]

    static func fixed(_ name: String, of row: MonitoredRow) -> JSONValue {
        switch name {
        case "partner_inference_id": row.externalID.json
        case "inference_timestamp": row.time.json
        case "batch_id": row.batchID.json
        default: row.groundTruthTime.json
        }
    }
}
