/// A search over one workspace's experiments: lifecycle, predicates on name, tags and times,
/// an order (default: newest first) and a page.
public struct ExperimentQuery: Sendable, Equatable {
    public enum Field: Sendable, Equatable {
        case name, experimentID, createdAt, updatedAt
        case tag(String)
    }

    public struct Predicate: Sendable, Equatable {
        public var field: Field
        public var op: PredicateOperator
        public var value: PredicateValue

        public init(_ field: Field, _ op: PredicateOperator, _ value: PredicateValue) {
            self.field = field
            self.op = op
            self.value = value
        }
    }

    public struct Order: Sendable, Equatable {
        public var field: Field
        public var ascending: Bool

        public init(_ field: Field, ascending: Bool) {
            self.field = field
            self.ascending = ascending
        }
    }

    public var workspaceID: String
    public var lifecycle: LifecycleFilter
    public var predicates: [Predicate]
    public var order: [Order]
    public var limit: Int
    public var offset: Int

    public init(workspaceID: String, lifecycle: LifecycleFilter = .active, predicates: [Predicate] = [], order: [Order] = [],
                limit: Int = 1000, offset: Int = 0) {
        self.workspaceID = workspaceID
        self.lifecycle = lifecycle
        self.predicates = predicates
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}
