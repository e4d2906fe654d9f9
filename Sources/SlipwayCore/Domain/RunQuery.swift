/// A search over tracked runs in one workspace: which experiments, which lifecycle stages,
/// predicates that must all hold, an order and a page. The store turns it into one indexed
/// query (predicates on the latest metric values, parameters, tags, run columns and datasets).
public struct RunQuery: Sendable, Equatable {
    public var workspaceID: String
    public var experimentIDs: [String]
    public var lifecycle: LifecycleFilter
    public var predicates: [RunPredicate]
    /// Applied in order; ties end with the start time (newest first) and the run id.
    public var order: [RunOrder]
    public var limit: Int
    public var offset: Int

    public init(workspaceID: String, experimentIDs: [String], lifecycle: LifecycleFilter = .active,
                predicates: [RunPredicate] = [], order: [RunOrder] = [], limit: Int = 1000, offset: Int = 0) {
        self.workspaceID = workspaceID
        self.experimentIDs = experimentIDs
        self.lifecycle = lifecycle
        self.predicates = predicates
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

/// A column of a run a search can compare or order by.
public enum RunField: Sendable, Equatable, Hashable {
    /// The latest value of a metric.
    case metric(String)
    case param(String)
    case tag(String)
    case attribute(RunAttribute)
    case dataset(DatasetAttribute)
}

public enum RunAttribute: String, Sendable, Equatable, CaseIterable {
    case runID, runName, status, startTime, endTime, userID, artifactURI, experimentID

    public var isNumeric: Bool { self == .startTime || self == .endTime }
}

public enum DatasetAttribute: String, Sendable, Equatable, CaseIterable {
    case name, digest, context
}

/// How a predicate compares. `notEqual` on a parameter, tag or metric matches runs that have
/// the key with another value (a run without the key does not match), as tracking servers do.
public enum PredicateOperator: String, Sendable, Equatable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    /// SQL `LIKE` pattern (`%`, `_`), case-sensitive.
    case like
    /// `LIKE` without case.
    case ilike
    case isIn, notIn
    case isNull, isNotNull
}

public enum PredicateValue: Sendable, Equatable {
    case text(String)
    case number(Double)
    case texts([String])
    case none
}

public struct RunPredicate: Sendable, Equatable {
    public var field: RunField
    public var op: PredicateOperator
    public var value: PredicateValue

    public init(_ field: RunField, _ op: PredicateOperator, _ value: PredicateValue) {
        self.field = field
        self.op = op
        self.value = value
    }
}

public struct RunOrder: Sendable, Equatable {
    public var field: RunField
    public var ascending: Bool

    public init(_ field: RunField, ascending: Bool) {
        self.field = field
        self.ascending = ascending
    }
}
