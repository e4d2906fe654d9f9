import Foundation
import SlipwayCore

/// What `runs/search` and `experiments/search` accept of the filter grammar, as MLflow's
/// server does: metrics compare with numbers; parameters and tags with quoted strings (`=`,
/// `!=`, `LIKE`, `ILIKE`, `IS [NOT] NULL`); attributes by their type (`IN` lists for string
/// attributes); datasets by name, digest and context. A bare column is an attribute.
extension MLflowSearchFilter {
    static let runAttributes: [String: RunAttribute] = [
        "run_id": .runID, "run_name": .runName, "run name": .runName, "Run name": .runName, "Run Name": .runName,
        "status": .status, "start_time": .startTime, "created": .startTime, "Created": .startTime,
        "end_time": .endTime, "user_id": .userID, "artifact_uri": .artifactURI,
    ]

    static func invalid(_ message: String) -> MLflowError { MLflowError.invalidParameter(message) }

    static func runField(_ identifier: Identifier) throws -> RunField {
        switch identifier.entity {
        case .metric?: return .metric(identifier.key)
        case .param?: return .param(identifier.key)
        case .tag?: return .tag(identifier.key)
        case .dataset?:
            guard let attribute = DatasetAttribute(rawValue: identifier.key) else {
                throw invalid("Invalid dataset key '\(identifier.key)' specified. Valid keys are 'name', 'digest', 'context'")
            }
            return .dataset(attribute)
        case .attribute?, nil:
            guard let attribute = runAttributes[identifier.key] else {
                throw invalid("Invalid attribute key '\(identifier.key)' specified. Valid keys are '\(runAttributes.keys.sorted())'")
            }
            return .attribute(attribute)
        }
    }

    static func coreOperator(_ op: Operator) -> PredicateOperator {
        switch op {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessOrEqual: .lessOrEqual
        case .greater: .greater
        case .greaterOrEqual: .greaterOrEqual
        case .like: .like
        case .ilike: .ilike
        case .isIn: .isIn
        case .notIn: .notIn
        case .isNull: .isNull
        case .isNotNull: .isNotNull
        }
    }

    static let numericOperators: Set<Operator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
    static let keyedTextOperators: Set<Operator> = [.equal, .notEqual, .like, .ilike, .isNull, .isNotNull]
    static let attributeTextOperators: Set<Operator> = [.equal, .notEqual, .like, .ilike, .isIn, .notIn]

    static func numeric(_ comparison: Comparison, _ what: String) throws -> PredicateValue {
        guard numericOperators.contains(comparison.op) else {
            throw invalid("Invalid comparator '\(comparison.op.rawValue)' for \(what) '\(comparison.identifier.text)' at position \(comparison.position); use one of =, !=, <, <=, >, >=")
        }
        guard case .number(let value, _) = comparison.value else {
            throw invalid("Expected numeric value type for \(what) '\(comparison.identifier.text)' at position \(comparison.position). Found \(comparison.value.text.map { "'\($0)'" } ?? "a list")")
        }
        return .number(value)
    }

    static func text(_ comparison: Comparison, _ what: String, operators: Set<Operator>) throws -> PredicateValue {
        guard operators.contains(comparison.op) else {
            throw invalid("Invalid comparator '\(comparison.op.rawValue)' for \(what) '\(comparison.identifier.text)' at position \(comparison.position); use one of \(operators.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        switch comparison.value {
        case .string(let text): return .text(text)
        case .none: return .none
        case .list(let values):
            return .texts(try values.map { value in
                guard case .string(let text) = value else {
                    throw invalid("Expected a list of quoted strings for '\(comparison.identifier.text)' at position \(comparison.position)")
                }
                return text
            })
        case .number(_, let text):
            throw invalid("Expected a quoted string value for \(what) '\(comparison.identifier.text)' at position \(comparison.position) (e.g. 'my-value'). Got value \(text)")
        }
    }

    /// The run predicates of this filter.
    func runPredicates() throws -> [RunPredicate] {
        try comparisons.map { comparison in
            let field = try Self.runField(comparison.identifier)
            let value: PredicateValue
            switch field {
            case .metric: value = try Self.numeric(comparison, "metric")
            case .param: value = try Self.text(comparison, "param", operators: Self.keyedTextOperators)
            case .tag: value = try Self.text(comparison, "tag", operators: Self.keyedTextOperators)
            case .attribute(let attribute) where attribute.isNumeric: value = try Self.numeric(comparison, "attribute")
            case .attribute: value = try Self.text(comparison, "attribute", operators: Self.attributeTextOperators)
            case .dataset: value = try Self.text(comparison, "dataset", operators: Self.attributeTextOperators)
            }
            return RunPredicate(field, Self.coreOperator(comparison.op), value)
        }
    }

    /// An `order_by` clause of `runs/search`.
    static func runOrder(_ clause: String) throws -> RunOrder {
        let parsed = try parseOrderBy(clause)
        let field = try runField(parsed.identifier)
        if case .dataset = field { throw invalid("Invalid order_by clause '\(clause)': datasets cannot be ordered by") }
        return RunOrder(field, ascending: parsed.ascending)
    }

    static func experimentField(_ identifier: Identifier) throws -> ExperimentQuery.Field {
        switch identifier.entity {
        case .tag?: return .tag(identifier.key)
        case .attribute?, nil:
            switch identifier.key {
            case "name": return .name
            case "creation_time": return .createdAt
            case "last_update_time": return .updatedAt
            case "experiment_id": return .experimentID
            default:
                throw invalid("Invalid attribute key '\(identifier.key)' specified. Valid keys are 'name', 'creation_time', 'last_update_time'")
            }
        default:
            throw invalid("Invalid entity type '\(identifier.entity!.rawValue)' in '\(identifier.text)'; experiments are searched by attributes and tags")
        }
    }

    func experimentPredicates() throws -> [ExperimentQuery.Predicate] {
        try comparisons.map { comparison in
            let field = try Self.experimentField(comparison.identifier)
            let value: PredicateValue
            switch field {
            case .createdAt, .updatedAt: value = try Self.numeric(comparison, "attribute")
            case .tag: value = try Self.text(comparison, "tag", operators: Self.keyedTextOperators)
            case .name, .experimentID: value = try Self.text(comparison, "attribute", operators: Self.attributeTextOperators)
            }
            return ExperimentQuery.Predicate(field, Self.coreOperator(comparison.op), value)
        }
    }

    static func experimentOrder(_ clause: String) throws -> ExperimentQuery.Order {
        let parsed = try parseOrderBy(clause)
        return ExperimentQuery.Order(try experimentField(parsed.identifier), ascending: parsed.ascending)
    }
}
