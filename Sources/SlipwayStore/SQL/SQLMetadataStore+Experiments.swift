import Foundation
import SQLKit
import SlipwayCore

/// `TrackingStore` on SQL: experiments and their tags. Times are milliseconds since 1970.
extension SQLMetadataStore {
    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    public func insertExperiment(_ experiment: Experiment) async throws {
        try await sqlTransaction { db in
            let inserted = try await db.raw("""
                INSERT INTO tracking_experiments (workspace_id, id, name, artifact_location, lifecycle, created_at, updated_at)
                VALUES (\(bind: experiment.workspaceID), \(bind: experiment.id), \(bind: experiment.name),
                    \(bind: experiment.artifactLocation), \(bind: experiment.lifecycle.rawValue),
                    \(bind: Self.milliseconds(experiment.createdAt)), \(bind: Self.milliseconds(experiment.updatedAt)))
                ON CONFLICT DO NOTHING RETURNING id
                """).first()
            guard inserted != nil else {
                throw SlipwayError.conflict("experiment '\(experiment.name)' already exists")
            }
            for (key, value) in experiment.tags {
                try await db.raw("""
                    INSERT INTO tracking_experiment_tags (workspace_id, experiment_id, key, value)
                    VALUES (\(bind: experiment.workspaceID), \(bind: experiment.id), \(bind: key), \(bind: value))
                    """).run()
            }
        }
    }

    public func experiment(workspaceID: String, id: String) async throws -> Experiment? {
        try await experiments(where: "workspace_id = \(bind: workspaceID) AND id = \(bind: id)").first
    }

    public func experiment(workspaceID: String, name: String) async throws -> Experiment? {
        try await experiments(where: "workspace_id = \(bind: workspaceID) AND name = \(bind: name)").first
    }

    /// Experiments matching `clause`, with their tags (one query for the rows, one for the tags).
    func experiments(where clause: SQLQueryString, order: SQLQueryString = "created_at DESC, id",
                     limit: Int = 2, offset: Int = 0) async throws -> [Experiment] {
        try await withDatabase { db in
            let rows = try await db.raw("""
                SELECT * FROM tracking_experiments e WHERE \(clause) ORDER BY \(order)
                LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all()
            var experiments = try rows.map { row in
                Experiment(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
                           artifactLocation: try row.string("artifact_location"),
                           lifecycle: TrackingLifecycle(rawValue: try row.string("lifecycle")) ?? .active,
                           createdAt: Self.date(milliseconds: try row.int64("created_at")),
                           updatedAt: Self.date(milliseconds: try row.int64("updated_at")))
            }
            guard let workspaceID = experiments.first?.workspaceID else { return [] }
            let tags = try await db.raw("""
                SELECT experiment_id, key, value FROM tracking_experiment_tags
                WHERE workspace_id = \(bind: workspaceID) AND experiment_id IN (\(Self.list(experiments.map(\.id))))
                """).all()
            var byID: [String: [String: String]] = [:]
            for row in tags { byID[try row.string("experiment_id"), default: [:]][try row.string("key")] = try row.string("value") }
            for index in experiments.indices { experiments[index].tags = byID[experiments[index].id] ?? [:] }
            return experiments
        }
    }

    /// `?, ?, ?` binding each value, for `IN (…)` (`NULL` when empty, which matches nothing).
    static func list(_ values: [String]) -> SQLQueryString {
        var list: SQLQueryString = ""
        for (index, value) in values.enumerated() {
            list += index == 0 ? "\(bind: value)" as SQLQueryString : ", \(bind: value)" as SQLQueryString
        }
        return values.isEmpty ? "NULL" : list
    }

    public func searchExperiments(_ query: ExperimentQuery) async throws -> [Experiment] {
        var clause: SQLQueryString = "workspace_id = \(bind: query.workspaceID)"
        clause += lifecycleClause(query.lifecycle, column: "lifecycle")
        for predicate in query.predicates {
            let column: SQLQueryString
            switch predicate.field {
            case .name: column = "e.name"
            case .experimentID: column = "e.id"
            case .createdAt: column = "e.created_at"
            case .updatedAt: column = "e.updated_at"
            case .tag(let key):
                let test = comparison("t.value", predicate.op, predicate.value)
                switch predicate.op {
                case .isNull:
                    clause += " AND NOT EXISTS (SELECT 1 FROM tracking_experiment_tags t WHERE t.workspace_id = e.workspace_id AND t.experiment_id = e.id AND t.key = \(bind: key))" as SQLQueryString
                default:
                    clause += " AND EXISTS (SELECT 1 FROM tracking_experiment_tags t WHERE t.workspace_id = e.workspace_id AND t.experiment_id = e.id AND t.key = \(bind: key) AND \(test))" as SQLQueryString
                }
                continue
            }
            clause += " AND " as SQLQueryString
            clause += comparison(column, predicate.op, predicate.value)
        }
        var order: SQLQueryString = ""
        for item in query.order {
            let column: SQLQueryString
            switch item.field {
            case .name: column = "e.name"
            case .experimentID: column = "e.id"
            case .createdAt: column = "e.created_at"
            case .updatedAt: column = "e.updated_at"
            case .tag(let key): column = "(SELECT value FROM tracking_experiment_tags t WHERE t.workspace_id = e.workspace_id AND t.experiment_id = e.id AND t.key = \(bind: key))"
            }
            order += column
            order += item.ascending ? " ASC, " : " DESC, "
        }
        order += "e.created_at DESC, e.id"
        return try await experiments(where: clause, order: order, limit: query.limit, offset: query.offset)
    }

    func lifecycleClause(_ filter: LifecycleFilter, column: String) -> SQLQueryString {
        switch filter {
        case .all: ""
        case .active: " AND \(unsafeRaw: column) = 'active'"
        case .deleted: " AND \(unsafeRaw: column) = 'deleted'"
        }
    }

    public func updateExperiment(workspaceID: String, id: String, name: String?, lifecycle: TrackingLifecycle?,
                                 at: Date) async throws -> Bool {
        var sets: SQLQueryString = "updated_at = \(bind: Self.milliseconds(at))"
        if let name { sets += ", name = \(bind: name)" as SQLQueryString }
        if let lifecycle { sets += ", lifecycle = \(bind: lifecycle.rawValue)" as SQLQueryString }
        let setClause = sets
        return try await withDatabase { db in
            if let name, try await db.raw("""
                SELECT 1 AS x FROM tracking_experiments WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name) AND id != \(bind: id)
                """).first() != nil {
                throw SlipwayError.conflict("experiment '\(name)' already exists")
            }
            return try await db.raw("""
                UPDATE tracking_experiments SET \(setClause) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id
                """).first() != nil
        }
    }

    public func setExperimentTag(workspaceID: String, id: String, key: String, value: String?) async throws {
        try await withDatabase { db in
            if let value {
                try await db.raw("""
                    INSERT INTO tracking_experiment_tags (workspace_id, experiment_id, key, value)
                    VALUES (\(bind: workspaceID), \(bind: id), \(bind: key), \(bind: value))
                    ON CONFLICT (workspace_id, experiment_id, key) DO UPDATE SET value = excluded.value
                    """).run()
            } else {
                try await db.raw("""
                    DELETE FROM tracking_experiment_tags WHERE workspace_id = \(bind: workspaceID) AND experiment_id = \(bind: id)
                    AND key = \(bind: key)
                    """).run()
            }
        }
    }

    /// `column op value` in this database's SQL: LIKE is case-sensitive on both (SQLite's own
    /// LIKE ignores ASCII case, so there it is a GLOB), ILIKE ignores case on both.
    func comparison(_ column: SQLQueryString, _ op: PredicateOperator, _ value: PredicateValue) -> SQLQueryString {
        func bound(_ value: PredicateValue) -> SQLQueryString {
            switch value {
            case .text(let text): "\(bind: text)"
            case .number(let number): "\(bind: number)"
            case .texts(let texts): Self.list(texts)
            case .none: "NULL"
            }
        }
        var sql = column
        switch op {
        case .equal: sql += " = " as SQLQueryString; sql += bound(value)
        case .notEqual: sql += " != " as SQLQueryString; sql += bound(value)
        case .less: sql += " < " as SQLQueryString; sql += bound(value)
        case .lessOrEqual: sql += " <= " as SQLQueryString; sql += bound(value)
        case .greater: sql += " > " as SQLQueryString; sql += bound(value)
        case .greaterOrEqual: sql += " >= " as SQLQueryString; sql += bound(value)
        case .like:
            guard case .text(let pattern) = value else { return "1 = 0" }
            switch dialect {
            case .sqlite: sql += " GLOB \(bind: Self.glob(fromLike: pattern))" as SQLQueryString
            case .postgres: sql += " LIKE \(bind: pattern)" as SQLQueryString
            }
        case .ilike:
            switch dialect {
            case .sqlite: sql += " LIKE " as SQLQueryString
            case .postgres: sql += " ILIKE " as SQLQueryString
            }
            sql += bound(value)
        case .isIn: sql += " IN (" as SQLQueryString; sql += bound(value); sql += ")" as SQLQueryString
        case .notIn: sql += " NOT IN (" as SQLQueryString; sql += bound(value); sql += ")" as SQLQueryString
        case .isNull: sql += " IS NULL" as SQLQueryString
        case .isNotNull: sql += " IS NOT NULL" as SQLQueryString
        }
        return sql
    }

    /// A LIKE pattern as an SQLite GLOB (case-sensitive): `%` → `*`, `_` → `?`, and GLOB's own
    /// special characters taken literally.
    static func glob(fromLike pattern: String) -> String {
        var glob = ""
        for c in pattern {
            switch c {
            case "%": glob += "*"
            case "_": glob += "?"
            case "*": glob += "[*]"
            case "?": glob += "[?]"
            case "[": glob += "[[]"
            default: glob.append(c)
            }
        }
        return glob
    }
}
