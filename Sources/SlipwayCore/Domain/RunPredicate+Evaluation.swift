import Foundation

/// Evaluation of run predicates and orders on runs in memory: for runs that are not stored as
/// tracked runs (executions shown as runs) and for stores without SQL. Same meaning as the SQL
/// store's: a missing metric, parameter or tag matches only `IS NULL`; `!=` needs the key.
extension RunPredicate {
    public func matches(_ run: TrackedRun) -> Bool {
        switch field {
        case .metric(let key):
            guard let metric = run.metrics.first(where: { $0.key == key }) else { return op == .isNull }
            if op == .isNotNull { return true }
            guard !metric.value.isNaN, case .number(let number) = value else { return false }
            return Self.compare(metric.value, number, op)
        case .param(let key): return matchesText(run.params[key])
        case .tag(let key): return matchesText(run.tags[key])
        case .attribute(let attribute):
            switch attribute {
            case .startTime: return matchesNumber(Double(run.startTime))
            case .endTime: return run.endTime.map { matchesNumber(Double($0)) } ?? (op == .isNull)
            case .runID: return matchesText(run.id)
            case .runName: return matchesText(run.name)
            case .status: return matchesText(run.status.rawValue)
            case .userID: return matchesText(run.userID)
            case .artifactURI: return matchesText(run.artifactPath)
            case .experimentID: return matchesText(run.experimentID)
            }
        case .dataset(let attribute):
            return run.inputs.contains { input in
                switch attribute {
                case .name: matchesText(input.name)
                case .digest: matchesText(input.digest)
                case .context: matchesText(input.context)
                }
            }
        }
    }

    func matchesNumber(_ actual: Double) -> Bool {
        switch value {
        case .number(let number): Self.compare(actual, number, op)
        default: op == .isNotNull
        }
    }

    func matchesText(_ actual: String?) -> Bool {
        guard let actual else { return op == .isNull }
        switch (op, value) {
        case (.isNull, _): return false
        case (.isNotNull, _): return true
        case (.equal, .text(let text)): return actual == text
        case (.notEqual, .text(let text)): return actual != text
        case (.like, .text(let pattern)): return Self.like(actual, pattern, caseSensitive: true)
        case (.ilike, .text(let pattern)): return Self.like(actual, pattern, caseSensitive: false)
        case (.isIn, .texts(let texts)): return texts.contains(actual)
        case (.notIn, .texts(let texts)): return !texts.contains(actual)
        case (_, .number(let number)): return Double(actual).map { Self.compare($0, number, op) } ?? false
        default: return false
        }
    }

    static func compare(_ actual: Double, _ expected: Double, _ op: PredicateOperator) -> Bool {
        switch op {
        case .equal: actual == expected
        case .notEqual: actual != expected
        case .less: actual < expected
        case .lessOrEqual: actual <= expected
        case .greater: actual > expected
        case .greaterOrEqual: actual >= expected
        default: false
        }
    }

    /// SQL `LIKE`: `%` any run of characters, `_` one character.
    public static func like(_ text: String, _ pattern: String, caseSensitive: Bool) -> Bool {
        let text = Array(caseSensitive ? text : text.lowercased())
        let pattern = Array(caseSensitive ? pattern : pattern.lowercased())
        // Iterative wildcard matching with backtracking to the last `%`.
        var t = 0, p = 0, starP = -1, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "_" || (pattern[p] != "%" && pattern[p] == text[t]) {
                t += 1; p += 1
            } else if p < pattern.count, pattern[p] == "%" {
                starP = p; starT = t; p += 1
            } else if starP >= 0 {
                p = starP + 1; starT += 1; t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "%" { p += 1 }
        return p == pattern.count
    }
}

extension RunOrder {
    /// Whether `a` comes before `b` under `orders`, ties broken by start time (newest first)
    /// then id; runs without the ordered key come last either way.
    public static func precedes(_ a: TrackedRun, _ b: TrackedRun, orders: [RunOrder]) -> Bool {
        for order in orders {
            let left = order.sortKey(a), right = order.sortKey(b)
            switch (left, right) {
            case (nil, nil): continue
            case (nil, _): return false
            case (_, nil): return true
            case (let l?, let r?):
                if l == r { continue }
                return order.ascending ? l < r : r < l
            }
        }
        if a.startTime != b.startTime { return a.startTime > b.startTime }
        return a.id < b.id
    }

    enum SortKey: Comparable {
        case number(Double)
        case text(String)
    }

    func sortKey(_ run: TrackedRun) -> SortKey? {
        switch field {
        case .metric(let key): return run.metrics.first { $0.key == key }.map { .number($0.value) }
        case .param(let key): return run.params[key].map { .text($0) }
        case .tag(let key): return run.tags[key].map { .text($0) }
        case .attribute(let attribute):
            switch attribute {
            case .startTime: return .number(Double(run.startTime))
            case .endTime: return run.endTime.map { .number(Double($0)) }
            case .runID: return .text(run.id)
            case .runName: return .text(run.name)
            case .status: return .text(run.status.rawValue)
            case .userID: return .text(run.userID)
            case .artifactURI: return .text(run.artifactPath)
            case .experimentID: return .text(run.experimentID)
            }
        case .dataset: return nil
        }
    }
}
