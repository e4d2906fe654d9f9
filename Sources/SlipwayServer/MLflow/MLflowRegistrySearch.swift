import Foundation
import SlipwayCore

/// One registry search request: its filter (parsed by `MLflowSearchFilter`), `order_by` clauses,
/// `max_results` and `page_token` (the base64 of the next offset), applied to the workspace's
/// registered models or versions.
///
/// Models filter on `name` and tags and order by `name`, `creation_timestamp`,
/// `last_updated_timestamp` (`timestamp`); default `name ASC`. Versions filter on `name`,
/// `run_id`, `source_path`, `version_number` and tags and order by those plus the timestamps;
/// default `name ASC, version_number DESC`. A tag absent from an object matches only `!=` and
/// `NOT IN` (and `IS NULL`).
struct MLflowRegistrySearch: Sendable {
    enum Kind: Sendable { case models, versions }

    /// What a comparison reads: an attribute (`name`, `run_id`…) or a tag.
    enum Key: Sendable, Equatable {
        case attribute(String)
        case tag(String)
    }

    /// One comparison of the filter, reduced to its key, operator and value texts.
    struct Clause: Sendable {
        var key: Key
        var op: MLflowSearchFilter.Operator
        var values: [String]
    }

    let kind: Kind
    let clauses: [Clause]
    let order: [(key: String, ascending: Bool)]
    let limit: Int
    let offset: Int

    static let modelAttributes: Set<String> = ["name"]
    static let versionAttributes: Set<String> = ["name", "run_id", "source_path", "version_number"]
    static let modelOrderKeys: Set<String> = ["name", "creation_timestamp", "last_updated_timestamp", "timestamp"]
    static let versionOrderKeys: Set<String> = ["name", "version_number", "creation_timestamp", "last_updated_timestamp",
                                                "timestamp", "run_id"]

    init(_ message: MLflowMessage, defaultLimit: Int, maxLimit: Int, kind: Kind) throws {
        self.kind = kind
        let limit = try message.int64("max_results").map(Int.init) ?? defaultLimit
        guard limit >= 1, limit <= maxLimit else {
            throw MLflowError.invalidParameter("Invalid value \(limit) for parameter 'max_results' supplied. It must be at most \(maxLimit) and at least 1.")
        }
        self.limit = limit
        offset = try MLflowDialect.pageOffset(try message.string("page_token"))
        let attributes = kind == .models ? Self.modelAttributes : Self.versionAttributes
        clauses = try MLflowSearchFilter.parse(try message.string("filter")).comparisons.map { comparison -> Clause in
            let key: Key
            switch comparison.identifier.entity {
            case .tag?: key = .tag(comparison.identifier.key)
            case nil, .attribute?:
                let name = comparison.identifier.key.lowercased()
                guard attributes.contains(name) else {
                    throw MLflowError.invalidParameter("Invalid attribute key '\(NameRules.printable(comparison.identifier.text))' specified. Valid keys are \(attributes.sorted())")
                }
                key = .attribute(name)
            default:
                throw MLflowError.invalidParameter("Invalid entity '\(NameRules.printable(comparison.identifier.text))': the registry searches only attributes and tags")
            }
            let values: [String]
            switch comparison.value {
            case .list(let items): values = items.compactMap(\.text)
            case .none: values = []
            default: values = comparison.value.text.map { [$0] } ?? []
            }
            return Clause(key: key, op: comparison.op, values: values)
        }
        let orderKeys = kind == .models ? Self.modelOrderKeys : Self.versionOrderKeys
        order = try message.strings("order_by").map { clause -> (key: String, ascending: Bool) in
            let parsed = try Self.orderBy(clause)
            let key = parsed.identifier.key.lowercased()
            guard parsed.identifier.entity == nil || parsed.identifier.entity == .attribute, orderKeys.contains(key) else {
                throw MLflowError.invalidParameter("Invalid order by key '\(NameRules.printable(parsed.identifier.text))' specified. Valid keys are \(orderKeys.sorted())")
            }
            return (key: key == "timestamp" ? "last_updated_timestamp" : key, ascending: parsed.ascending)
        }
    }

    /// One `order_by` clause. A bare column (`name DESC`) is read here from the shared
    /// tokenizer's words, because `MLflowSearchFilter.parseOrderBy` accepts only prefixed or
    /// quoted columns for now (its own `orderByClauses` test expects bare ones too); remove this
    /// once it does.
    static func orderBy(_ clause: String) throws -> MLflowSearchFilter.OrderBy {
        do {
            return try MLflowSearchFilter.parseOrderBy(clause)
        } catch {
            let tokens = try MLflowSearchFilter.Tokenizer.tokens(of: clause)
            guard let first = tokens.first, case .word(let column) = first.kind, tokens.count <= 2 else { throw error }
            let identifier = MLflowSearchFilter.Identifier(entity: nil, key: column, text: column)
            guard tokens.count == 2 else { return MLflowSearchFilter.OrderBy(identifier: identifier, ascending: true) }
            guard case .word(let direction) = tokens[1].kind, ["ASC", "DESC"].contains(direction.uppercased()) else { throw error }
            return MLflowSearchFilter.OrderBy(identifier: identifier, ascending: direction.uppercased() == "ASC")
        }
    }

    func page(of models: [RegisteredModel]) throws -> ([RegisteredModel], String?) {
        let matching = try models.filter { model in
            try clauses.allSatisfy { comparison in
                switch comparison.key {
                case .attribute: return try Self.matches(model.model.name, comparison)
                case .tag(let key): return try Self.matches(model.tags[key], comparison)
                }
            }
        }
        let sorted = matching.sorted { left, right in
            for (key, ascending) in order + [(key: "name", ascending: true)] {
                let order: ComparisonResult
                switch key {
                case "creation_timestamp": order = Self.compare(left.model.createdAt, right.model.createdAt)
                case "last_updated_timestamp": order = Self.compare(left.model.updatedAt, right.model.updatedAt)
                default: order = Self.compare(left.model.name, right.model.name)
                }
                if order != .orderedSame { return ascending ? order == .orderedAscending : order == .orderedDescending }
            }
            return false
        }
        return paged(sorted)
    }

    func page(of versions: [RegisteredVersion]) throws -> ([RegisteredVersion], String?) {
        let matching = try versions.filter { registered in
            try clauses.allSatisfy { comparison in
                switch comparison.key {
                case .attribute("name"): return try Self.matches(registered.modelName, comparison)
                case .attribute("run_id"): return try Self.matches(registered.version.runID, comparison)
                case .attribute("source_path"): return try Self.matches(registered.version.source, comparison)
                case .attribute: return try Self.matches(number: registered.version.number, comparison)
                case .tag(let key): return try Self.matches(registered.tags[key], comparison)
                }
            }
        }
        let defaults: [(key: String, ascending: Bool)] = [(key: "name", ascending: true), (key: "version_number", ascending: false)]
        let sorted = matching.sorted { left, right in
            for (key, ascending) in order + defaults {
                let order: ComparisonResult
                switch key {
                case "creation_timestamp": order = Self.compare(left.version.createdAt, right.version.createdAt)
                case "last_updated_timestamp": order = Self.compare(left.version.updatedAt, right.version.updatedAt)
                case "version_number": order = Self.compare(left.version.number, right.version.number)
                case "run_id": order = Self.compare(left.version.runID ?? "", right.version.runID ?? "")
                default: order = Self.compare(left.modelName, right.modelName)
                }
                if order != .orderedSame { return ascending ? order == .orderedAscending : order == .orderedDescending }
            }
            return false
        }
        return paged(sorted)
    }

    private func paged<T>(_ items: [T]) -> ([T], String?) {
        let page = Array(items.dropFirst(offset).prefix(limit))
        let next = offset + page.count < items.count ? MLflowDialect.pageToken(offset + page.count) : nil
        return (page, next)
    }

    static func compare<T: Comparable>(_ left: T, _ right: T) -> ComparisonResult {
        left < right ? .orderedAscending : left > right ? .orderedDescending : .orderedSame
    }

    /// A text comparison; an absent value matches only the negative operators.
    static func matches(_ value: String?, _ comparison: Clause) throws -> Bool {
        let target = comparison.values.first ?? ""
        guard let value else { return comparison.op == .notEqual || comparison.op == .notIn || comparison.op == .isNull }
        switch comparison.op {
        case .isNull: return false
        case .isNotNull: return true
        case .equal: return value == target
        case .notEqual: return value != target
        case .like: return Self.like(value, target, ignoringCase: false)
        case .ilike: return Self.like(value, target, ignoringCase: true)
        case .isIn: return comparison.values.contains(value)
        case .notIn: return !comparison.values.contains(value)
        default:
            throw MLflowError.invalidParameter("operator '\(comparison.op.rawValue)' cannot compare text; use =, !=, LIKE, ILIKE, IN or NOT IN")
        }
    }

    static func matches(number: Int, _ comparison: Clause) throws -> Bool {
        let targets = try comparison.values.map { text -> Int in
            guard let value = Int(text) else { throw MLflowError.invalidParameter("version_number must be compared with an integer, not '\(NameRules.printable(text))'") }
            return value
        }
        let target = targets.first ?? 0
        switch comparison.op {
        case .equal: return number == target
        case .notEqual: return number != target
        case .less: return number < target
        case .lessOrEqual: return number <= target
        case .greater: return number > target
        case .greaterOrEqual: return number >= target
        case .isIn: return targets.contains(number)
        case .notIn: return !targets.contains(number)
        case .isNull: return false
        case .isNotNull: return true
        case .like, .ilike: throw MLflowError.invalidParameter("version_number cannot be compared with LIKE")
        }
    }

    /// SQL `LIKE`: `%` any run of characters, `_` one character (`ILIKE` ignores case).
    static func like(_ text: String, _ pattern: String, ignoringCase: Bool) -> Bool {
        let text = Array(ignoringCase ? text.lowercased() : text), pattern = Array(ignoringCase ? pattern.lowercased() : pattern)
        var memo: [Int: Bool] = [:]
        func match(_ t: Int, _ p: Int) -> Bool {
            if let known = memo[t * (pattern.count + 1) + p] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "%" {
                result = match(t, p + 1) || (t < text.count && match(t + 1, p))
            } else if t < text.count, pattern[p] == "_" || pattern[p] == text[t] {
                result = match(t + 1, p + 1)
            } else {
                result = false
            }
            memo[t * (pattern.count + 1) + p] = result
            return result
        }
        return match(0, 0)
    }
}
