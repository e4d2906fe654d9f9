import Foundation
import SQLKit
import SlipwayCore

/// `MetricStore` on SQL.
extension SQLMetadataStore {
    public func upsertMetric(workspaceID: String, _ metric: MetricValue) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO metrics (workspace_id, execution_id, name, value, pipeline_name, deployment_name, created_at)
                VALUES (\(bind: workspaceID), \(bind: metric.executionID), \(bind: metric.name), \(bind: metric.value),
                    \(bind: metric.pipelineName), \(bind: metric.deploymentName), \(bind: metric.createdAt.timeIntervalSince1970))
                ON CONFLICT (execution_id, name) DO UPDATE SET value = excluded.value, created_at = excluded.created_at
                """).run()
        }
    }

    /// List metrics are stored as batches (one row per request), so 10 000 values cost one insert.
    public func appendListMetric(workspaceID: String, _ metric: ListMetric) async throws {
        let text = "[" + metric.values.map { JSONValue.number($0).jsonString() }.joined(separator: ",") + "]"
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO list_metric_batches (workspace_id, execution_id, name, pipeline_name, deployment_name,
                    values_json, value_count, created_at)
                VALUES (\(bind: workspaceID), \(bind: metric.executionID), \(bind: metric.name), \(bind: metric.pipelineName),
                    \(bind: metric.deploymentName), \(bind: text), \(bind: metric.values.count),
                    \(bind: metric.createdAt.timeIntervalSince1970))
                """).run()
        }
    }

    private func whereClause(workspaceID: String, filter: MetricFilter) -> SQLQueryString {
        var clause: SQLQueryString = "workspace_id = \(bind: workspaceID)"
        if let name = filter.name { clause += " AND name = \(bind: name)" as SQLQueryString }
        if let pipeline = filter.pipelineName { clause += " AND pipeline_name = \(bind: pipeline)" as SQLQueryString }
        if let deployment = filter.deploymentName { clause += " AND deployment_name = \(bind: deployment)" as SQLQueryString }
        if let execution = filter.executionID { clause += " AND execution_id = \(bind: execution)" as SQLQueryString }
        return clause
    }

    public func metrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<MetricValue> {
        let clause = whereClause(workspaceID: workspaceID, filter: filter)
        return try await withDatabase { db in
            let total = try await db.raw("SELECT COUNT(*) AS n FROM metrics WHERE \(clause)").first()?.int("n") ?? 0
            let rows = try await db.raw("""
                SELECT * FROM metrics WHERE \(clause) ORDER BY created_at, execution_id, name
                LIMIT \(bind: page.itemsPerPage) OFFSET \(bind: page.offset)
                """).all()
            let items = try rows.map { row in
                MetricValue(name: try row.string("name"), value: try row.double("value"),
                            executionID: try row.string("execution_id"), pipelineName: try row.string("pipeline_name"),
                            deploymentName: try row.optionalString("deployment_name"), createdAt: try row.date("created_at"))
            }
            return Page(items: items, totalCount: total)
        }
    }

    public func listMetrics(workspaceID: String, filter: MetricFilter, page: PageRequest) async throws -> Page<ListMetric> {
        let clause = whereClause(workspaceID: workspaceID, filter: filter)
        return try await withDatabase { db in
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM (SELECT 1 FROM list_metric_batches WHERE \(clause) GROUP BY execution_id, name) AS g
                """).first()?.int("n") ?? 0
            let groups = try await db.raw("""
                SELECT execution_id, name, MIN(pipeline_name) AS pipeline_name, MIN(deployment_name) AS deployment_name,
                    MIN(created_at) AS created_at, MIN(id) AS first_id
                FROM list_metric_batches WHERE \(clause) GROUP BY execution_id, name ORDER BY first_id
                LIMIT \(bind: page.itemsPerPage) OFFSET \(bind: page.offset)
                """).all()
            var items: [ListMetric] = []
            for group in groups {
                let executionID = try group.string("execution_id")
                let name = try group.string("name")
                let batches = try await db.raw("""
                    SELECT values_json FROM list_metric_batches
                    WHERE workspace_id = \(bind: workspaceID) AND execution_id = \(bind: executionID) AND name = \(bind: name)
                    ORDER BY id
                    """).all()
                var values: [Double] = []
                for batch in batches {
                    values.append(contentsOf: try JSONDecoder().decode([Double].self, from: Data(try batch.string("values_json").utf8)))
                }
                items.append(ListMetric(name: name, values: values, executionID: executionID,
                                        pipelineName: try group.string("pipeline_name"),
                                        deploymentName: try group.optionalString("deployment_name"),
                                        createdAt: try group.date("created_at")))
            }
            return Page(items: items, totalCount: total)
        }
    }
}
