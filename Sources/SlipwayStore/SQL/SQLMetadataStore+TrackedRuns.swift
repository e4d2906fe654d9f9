import Foundation
import SQLKit
import SlipwayCore

/// `TrackingStore` on SQL: runs, parameters, tags, metric history, latest metrics and inputs.
/// A metric point is a row of `tracking_metric_history` ((run, key, step, timestamp) index);
/// `tracking_latest_metrics` keeps each key's latest point so `metrics.x > y` is one indexed
/// lookup. NaN is stored as value 0 with `is_nan` set (SQLite has no NaN), and never matches a
/// comparison. A search reads one page of run rows, then the page's parameters, tags, latest
/// metrics and inputs in one query each.
extension SQLMetadataStore {
    /// Most rows one multi-row INSERT carries (binds stay far below both databases' limits).
    static let trackingInsertChunk = 500

    public func insertRun(_ run: TrackedRun) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO tracking_runs (id, workspace_id, experiment_id, name, user_id, status, start_time, end_time, lifecycle)
                VALUES (\(bind: run.id), \(bind: run.workspaceID), \(bind: run.experimentID), \(bind: run.name),
                    \(bind: run.userID), \(bind: run.status.rawValue), \(bind: run.startTime), \(bind: run.endTime),
                    \(bind: run.lifecycle.rawValue))
                """).run()
            try await Self.insertKeyValues(db, table: "tracking_params", runID: run.id, run.params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, upsert: false)
            try await Self.insertKeyValues(db, table: "tracking_tags", runID: run.id, run.tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, upsert: true)
            try await Self.insertMetrics(db, runID: run.id, run.metrics)
        }
    }

    static func insertKeyValues(_ db: any SQLDatabase, table: String, runID: String, _ pairs: [(String, String)],
                                upsert: Bool) async throws {
        var last: [String: String] = [:]
        var order: [String] = []
        for (key, value) in pairs {
            if last.updateValue(value, forKey: key) == nil { order.append(key) }
        }
        let unique = order.map { ($0, last[$0]!) }
        for start in stride(from: 0, to: unique.count, by: trackingInsertChunk) {
            var values: SQLQueryString = ""
            for (index, pair) in unique[start..<min(start + trackingInsertChunk, unique.count)].enumerated() {
                values += index == 0 ? "" : ", "
                values += "(\(bind: runID), \(bind: pair.0), \(bind: pair.1))" as SQLQueryString
            }
            let conflict: SQLQueryString = upsert ? "DO UPDATE SET value = excluded.value" : "DO NOTHING"
            try await db.raw("""
                INSERT INTO \(unsafeRaw: table) (run_id, key, value) VALUES \(values) ON CONFLICT (run_id, key) \(conflict)
                """).run()
        }
    }

    static func insertMetrics(_ db: any SQLDatabase, runID: String, _ metrics: [RunMetric]) async throws {
        guard !metrics.isEmpty else { return }
        for start in stride(from: 0, to: metrics.count, by: trackingInsertChunk) {
            var values: SQLQueryString = ""
            for (index, metric) in metrics[start..<min(start + trackingInsertChunk, metrics.count)].enumerated() {
                values += index == 0 ? "" : ", "
                let isNaN = metric.value.isNaN
                values += """
                    (\(bind: runID), \(bind: metric.key), \(bind: metric.step), \(bind: metric.timestamp),
                    \(bind: isNaN ? 0 : metric.value), \(bind: isNaN ? 1 : 0), \(bind: metric.modelID),
                    \(bind: metric.datasetName), \(bind: metric.datasetDigest))
                    """ as SQLQueryString
            }
            try await db.raw("""
                INSERT INTO tracking_metric_history (run_id, key, step, timestamp, value, is_nan, model_id, dataset_name,
                    dataset_digest) VALUES \(values)
                """).run()
        }
        // The latest point per key of this batch, then one upsert that keeps the stored one
        // when it ranks higher (step, then time, then value).
        var latest: [String: RunMetric] = [:]
        for metric in metrics where latest[metric.key].map({ metric.supersedes($0) }) ?? true { latest[metric.key] = metric }
        let points = latest.values.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: points.count, by: trackingInsertChunk) {
            var values: SQLQueryString = ""
            for (index, metric) in points[start..<min(start + trackingInsertChunk, points.count)].enumerated() {
                values += index == 0 ? "" : ", "
                let isNaN = metric.value.isNaN
                values += """
                    (\(bind: runID), \(bind: metric.key), \(bind: isNaN ? 0 : metric.value), \(bind: isNaN ? 1 : 0),
                    \(bind: metric.step), \(bind: metric.timestamp))
                    """ as SQLQueryString
            }
            try await db.raw("""
                INSERT INTO tracking_latest_metrics AS l (run_id, key, value, is_nan, step, timestamp) VALUES \(values)
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
                    step = excluded.step, timestamp = excluded.timestamp
                WHERE excluded.step > l.step OR (excluded.step = l.step AND (excluded.timestamp > l.timestamp
                    OR (excluded.timestamp = l.timestamp AND excluded.is_nan = 0 AND (l.is_nan = 1 OR excluded.value >= l.value))))
                """).run()
        }
    }

    public func run(workspaceID: String, id: String) async throws -> TrackedRun? {
        try await withDatabase { db in
            let rows = try await db.raw("SELECT * FROM tracking_runs WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)").all()
            return try await Self.runs(from: rows, db: db).first
        }
    }

    public func runInfo(workspaceID: String, id: String) async throws -> TrackedRun? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM tracking_runs WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID)")
                .first().map(Self.runColumns(from:))
        }
    }

    public func updateRun(workspaceID: String, id: String, name: String?, status: TrackedRunStatus?, endTime: Int64?,
                          lifecycle: TrackingLifecycle?) async throws -> Bool {
        var sets: [SQLQueryString] = []
        if let name { sets.append("name = \(bind: name)") }
        if let status { sets.append("status = \(bind: status.rawValue)") }
        if let endTime { sets.append("end_time = \(bind: endTime)") }
        if let lifecycle { sets.append("lifecycle = \(bind: lifecycle.rawValue)") }
        guard !sets.isEmpty else { return try await run(workspaceID: workspaceID, id: id) != nil }
        var setClause: SQLQueryString = ""
        for (index, set) in sets.enumerated() {
            setClause += index == 0 ? "" : ", "
            setClause += set
        }
        let clause = setClause
        return try await withDatabase { db in
            try await db.raw("""
                UPDATE tracking_runs SET \(clause) WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID) RETURNING id
                """).first() != nil
        }
    }

    public func params(runID: String, keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        return try await withDatabase { db in
            var params: [String: String] = [:]
            for row in try await db.raw("""
                SELECT key, value FROM tracking_params WHERE run_id = \(bind: runID) AND key IN (\(Self.list(keys)))
                """).all() {
                params[try row.string("key")] = try row.string("value")
            }
            return params
        }
    }

    public func appendRunData(runID: String, metrics: [RunMetric], params: [(key: String, value: String)],
                              tags: [(key: String, value: String)], deletedTags: [String]) async throws {
        try await sqlTransaction { db in
            try await Self.insertMetrics(db, runID: runID, metrics)
            try await Self.insertKeyValues(db, table: "tracking_params", runID: runID, params.map { ($0.key, $0.value) }, upsert: false)
            try await Self.insertKeyValues(db, table: "tracking_tags", runID: runID, tags.map { ($0.key, $0.value) }, upsert: true)
            if !deletedTags.isEmpty {
                try await db.raw("DELETE FROM tracking_tags WHERE run_id = \(bind: runID) AND key IN (\(Self.list(deletedTags)))").run()
            }
        }
    }

    public func metricHistory(runID: String, key: String, limit: Int, offset: Int) async throws -> [RunMetric] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM tracking_metric_history WHERE run_id = \(bind: runID) AND key = \(bind: key)
                ORDER BY step, timestamp, value LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map { try Self.metric(from: $0, withRun: false) }
        }
    }

    public func metricHistories(runIDs: [String], key: String, startStep: Int64?, endStep: Int64?,
                                limitPerRun: Int) async throws -> [RunMetric] {
        try await withDatabase { db in
            var points: [RunMetric] = []
            for runID in runIDs {
                var clause: SQLQueryString = "run_id = \(bind: runID) AND key = \(bind: key)"
                if let startStep { clause += " AND step >= \(bind: startStep)" as SQLQueryString }
                if let endStep { clause += " AND step <= \(bind: endStep)" as SQLQueryString }
                points += try await db.raw("""
                    SELECT * FROM tracking_metric_history WHERE \(clause) ORDER BY step, timestamp, value LIMIT \(bind: limitPerRun)
                    """).all().map { try Self.metric(from: $0, withRun: true) }
            }
            return points
        }
    }

    static func metric(from row: any SQLRow, withRun: Bool) throws -> RunMetric {
        let isNaN = try row.bool("is_nan")
        return RunMetric(key: try row.string("key"), value: isNaN ? .nan : try row.double("value"),
                         timestamp: try row.int64("timestamp"),
                         step: try row.int64("step"),
                         runID: withRun ? try row.string("run_id") : nil,
                         modelID: (try? row.optionalString("model_id")) ?? nil,
                         datasetName: (try? row.optionalString("dataset_name")) ?? nil,
                         datasetDigest: (try? row.optionalString("dataset_digest")) ?? nil)
    }

    public func addRunInputs(runID: String, _ inputs: [RunDatasetInput]) async throws {
        guard !inputs.isEmpty else { return }
        try await sqlTransaction { db in
            for input in inputs {
                let tags = encodeJSON(input.tags.mapValues { JSONValue.string($0) })
                try await db.raw("""
                    INSERT INTO tracking_inputs (run_id, name, digest, source_type, source, schema_json, profile, context, tags_json)
                    VALUES (\(bind: runID), \(bind: input.name), \(bind: input.digest), \(bind: input.sourceType),
                        \(bind: input.source), \(bind: input.schema), \(bind: input.profile), \(bind: input.context), \(bind: tags))
                    ON CONFLICT (run_id, name, digest) DO NOTHING
                    """).run()
            }
        }
    }

    // MARK: - Search

    public func searchRuns(_ query: RunQuery) async throws -> [TrackedRun] {
        guard !query.experimentIDs.isEmpty else { return [] }
        var clause: SQLQueryString = "r.workspace_id = \(bind: query.workspaceID) AND r.experiment_id IN (\(Self.list(query.experimentIDs)))"
        clause += lifecycleClause(query.lifecycle, column: "r.lifecycle")
        for predicate in query.predicates {
            clause += " AND " as SQLQueryString
            clause += runPredicate(predicate)
        }
        var order: SQLQueryString = ""
        for item in query.order {
            let column = Self.orderColumn(item.field)
            // Runs without the key come last in either direction.
            order += "CASE WHEN \(column) IS NULL THEN 1 ELSE 0 END, " as SQLQueryString
            order += column
            order += item.ascending ? " ASC, " : " DESC, "
        }
        order += "r.start_time DESC, r.id"
        let whereClause = clause, orderClause = order
        return try await withDatabase { db in
            let rows = try await db.raw("""
                SELECT r.* FROM tracking_runs r WHERE \(whereClause) ORDER BY \(orderClause)
                LIMIT \(bind: query.limit) OFFSET \(bind: query.offset)
                """).all()
            return try await Self.runs(from: rows, db: db)
        }
    }

    static func attributeColumn(_ attribute: RunAttribute) -> SQLQueryString {
        switch attribute {
        case .runID: "r.id"
        case .runName: "r.name"
        case .status: "r.status"
        case .startTime: "r.start_time"
        case .endTime: "r.end_time"
        case .userID: "r.user_id"
        case .artifactURI: "(r.experiment_id || '/' || r.id || '/artifacts')"
        case .experimentID: "r.experiment_id"
        }
    }

    static func orderColumn(_ field: RunField) -> SQLQueryString {
        switch field {
        case .metric(let key):
            "(SELECT CASE WHEN m.is_nan = 1 THEN NULL ELSE m.value END FROM tracking_latest_metrics m WHERE m.run_id = r.id AND m.key = \(bind: key))"
        case .param(let key): "(SELECT p.value FROM tracking_params p WHERE p.run_id = r.id AND p.key = \(bind: key))"
        case .tag(let key): "(SELECT t.value FROM tracking_tags t WHERE t.run_id = r.id AND t.key = \(bind: key))"
        case .attribute(let attribute): attributeColumn(attribute)
        case .dataset: "NULL"
        }
    }

    func runPredicate(_ predicate: RunPredicate) -> SQLQueryString {
        let keyed: (table: String, key: String, column: SQLQueryString)?
        switch predicate.field {
        case .metric(let key): keyed = ("tracking_latest_metrics", key, "x.value")
        case .param(let key): keyed = ("tracking_params", key, "x.value")
        case .tag(let key): keyed = ("tracking_tags", key, "x.value")
        case .attribute(let attribute):
            let column = Self.attributeColumn(attribute)
            return comparison(column, predicate.op, predicate.value)
        case .dataset(let attribute):
            let column: SQLQueryString = switch attribute {
            case .name: "d.name"
            case .digest: "d.digest"
            case .context: "d.context"
            }
            return "EXISTS (SELECT 1 FROM tracking_inputs d WHERE d.run_id = r.id AND \(comparison(column, predicate.op, predicate.value)))"
        }
        guard let keyed else { return "1 = 0" }
        let exists: SQLQueryString = "SELECT 1 FROM \(unsafeRaw: keyed.table) x WHERE x.run_id = r.id AND x.key = \(bind: keyed.key)"
        switch predicate.op {
        case .isNull: return "NOT EXISTS (\(exists))"
        case .isNotNull: return "EXISTS (\(exists))"
        default:
            var test = comparison(keyed.column, predicate.op, predicate.value)
            if case .metric = predicate.field { test = "x.is_nan = 0 AND \(test)" }
            return "EXISTS (\(exists) AND \(test))"
        }
    }

    static func runColumns(from row: any SQLRow) throws -> TrackedRun {
        TrackedRun(id: try row.string("id"), workspaceID: try row.string("workspace_id"),
                   experimentID: try row.string("experiment_id"), name: try row.string("name"),
                   userID: try row.string("user_id"),
                   status: TrackedRunStatus(rawValue: try row.string("status")) ?? .running,
                   startTime: try row.int64("start_time"),
                   endTime: try row.decode(column: "end_time", as: Int64?.self),
                   lifecycle: TrackingLifecycle(rawValue: try row.string("lifecycle")) ?? .active)
    }

    /// Runs from their rows, with parameters, tags, latest metrics and inputs read in one
    /// query each for all of them.
    static func runs(from rows: [any SQLRow], db: any SQLDatabase) async throws -> [TrackedRun] {
        var runs = try rows.map(runColumns(from:))
        guard !runs.isEmpty else { return [] }
        var index: [String: Int] = [:]
        for (position, run) in runs.enumerated() { index[run.id] = position }
        let ids = list(runs.map(\.id))
        for row in try await db.raw("SELECT run_id, key, value FROM tracking_params WHERE run_id IN (\(ids))").all() {
            if let position = index[try row.string("run_id")] { runs[position].params[try row.string("key")] = try row.string("value") }
        }
        for row in try await db.raw("SELECT run_id, key, value FROM tracking_tags WHERE run_id IN (\(ids))").all() {
            if let position = index[try row.string("run_id")] { runs[position].tags[try row.string("key")] = try row.string("value") }
        }
        for row in try await db.raw("SELECT * FROM tracking_latest_metrics WHERE run_id IN (\(ids)) ORDER BY run_id, key").all() {
            if let position = index[try row.string("run_id")] { runs[position].metrics.append(try metric(from: row, withRun: false)) }
        }
        for row in try await db.raw("SELECT * FROM tracking_inputs WHERE run_id IN (\(ids)) ORDER BY run_id, name, digest").all() {
            guard let position = index[try row.string("run_id")] else { continue }
            let tags = try row.json("tags_json", as: [String: String].self)
            runs[position].inputs.append(RunDatasetInput(
                name: try row.string("name"), digest: try row.string("digest"), sourceType: try row.string("source_type"),
                source: try row.string("source"), schema: try row.optionalString("schema_json"),
                profile: try row.optionalString("profile"), context: try row.optionalString("context"), tags: tags))
        }
        return runs
    }
}
