import Foundation
import SQLKit
import SlipwayCore

/// `DeploymentStore` on SQL.
extension SQLMetadataStore {
    public func insertDeployment(_ d: Deployment) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO deployments (id, workspace_id, name, pipeline_id, pipeline_name, step_id, rule, mode, description,
                    is_enabled, status, endpoint_path, endpoint_token_hash, endpoint_token_sealed, schedule,
                    inputs_mapping_json, outputs_mapping_json, parallel_executions, max_parallel_executions,
                    ram_request_bytes, gpu_request, execution_timeout_s, record_inferences, generation, last_scheduled_at,
                    created_at, created_by, updated_at, updated_by)
                VALUES (\(bind: d.id), \(bind: d.workspaceID), \(bind: d.name), \(bind: d.pipelineID), \(bind: d.pipelineName),
                    \(bind: d.stepID), \(bind: d.rule.rawValue), \(bind: d.mode.rawValue), \(bind: d.description),
                    \(bind: d.isEnabled ? 1 : 0), \(bind: d.status.rawValue), \(bind: d.endpointPath),
                    \(bind: d.endpointTokenHash), \(bind: d.endpointTokenSealed), \(bind: d.schedule),
                    \(bind: Self.mappingsJSON(d.inputsMapping.map(\.stored))), \(bind: Self.mappingsJSON(d.outputsMapping.map(\.stored))),
                    \(bind: d.parallelExecutions ? 1 : 0), \(bind: d.maxParallelExecutions), \(bind: d.ramRequestBytes),
                    \(bind: d.gpuRequest), \(bind: d.executionTimeoutSeconds), \(bind: d.recordsInferences ? 1 : 0),
                    \(bind: d.generation),
                    \(bind: d.lastScheduledAt?.timeIntervalSince1970), \(bind: d.createdAt.timeIntervalSince1970),
                    \(bind: d.createdBy), \(bind: d.updatedAt.timeIntervalSince1970), \(bind: d.updatedBy))
                """).run()
        }
    }

    public func deployment(workspaceID: String, name: String) async throws -> Deployment? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM deployments WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.deployment(from:))
        }
    }

    public func deployment(workspaceID: String, endpointPath: String) async throws -> Deployment? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM deployments WHERE workspace_id = \(bind: workspaceID) AND endpoint_path = \(bind: endpointPath)
                """).first().map(Self.deployment(from:))
        }
    }

    public func listDeployments(workspaceID: String) async throws -> [Deployment] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM deployments WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at")
                .all().map(Self.deployment(from:))
        }
    }

    public func allDeployments() async throws -> [Deployment] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM deployments ORDER BY created_at").all().map(Self.deployment(from:))
        }
    }

    public func deployments(pipelineID: String) async throws -> [Deployment] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM deployments WHERE pipeline_id = \(bind: pipelineID) ORDER BY created_at")
                .all().map(Self.deployment(from:))
        }
    }

    public func updateDeployment(_ d: Deployment) async throws {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE deployments SET description = \(bind: d.description), is_enabled = \(bind: d.isEnabled ? 1 : 0),
                    status = \(bind: d.status.rawValue), endpoint_path = \(bind: d.endpointPath),
                    endpoint_token_hash = \(bind: d.endpointTokenHash), endpoint_token_sealed = \(bind: d.endpointTokenSealed),
                    schedule = \(bind: d.schedule),
                    inputs_mapping_json = \(bind: Self.mappingsJSON(d.inputsMapping.map(\.stored))),
                    outputs_mapping_json = \(bind: Self.mappingsJSON(d.outputsMapping.map(\.stored))),
                    record_inferences = \(bind: d.recordsInferences ? 1 : 0),
                    generation = \(bind: d.generation), last_scheduled_at = \(bind: d.lastScheduledAt?.timeIntervalSince1970),
                    updated_at = \(bind: d.updatedAt.timeIntervalSince1970), updated_by = \(bind: d.updatedBy)
                WHERE id = \(bind: d.id)
                """).run()
        }
    }

    public func updateDeploymentStatus(id: String, from: DeploymentStatus, to: DeploymentStatus, at: Date) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE deployments SET status = \(bind: to.rawValue), updated_at = \(bind: at.timeIntervalSince1970)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
                """).first() != nil
        }
    }

    /// Claims with a previous slot go in one `UPDATE … FROM (VALUES …)` per chunk (the values'
    /// columns are `column1…` on SQLite and PostgreSQL alike); first claims one by one.
    public func claimScheduleSlots(_ claims: [ScheduleSlotClaim]) async throws -> Set<String> {
        guard !claims.isEmpty else { return [] }
        return try await sqlTransaction { db in
            var claimed: Set<String> = []
            let following = claims.filter { $0.previous != nil }
            for start in stride(from: 0, to: following.count, by: Self.claimChunk) {
                var query: SQLQueryString = "UPDATE deployments SET last_scheduled_at = c.column3 FROM (VALUES "
                for (offset, claim) in following[start..<min(start + Self.claimChunk, following.count)].enumerated() {
                    if offset > 0 { query += ", " }
                    query += """
                        (\(bind: claim.deploymentID), \(bind: claim.previous!.timeIntervalSince1970), \(bind: claim.slot.timeIntervalSince1970))
                        """
                }
                query += """
                    ) AS c WHERE deployments.id = c.column1 AND deployments.last_scheduled_at = c.column2 RETURNING deployments.id AS id
                    """
                for row in try await db.raw(query).all() {
                    claimed.insert(try row.decode(column: "id", as: String.self))
                }
            }
            for claim in claims where claim.previous == nil {
                if try await db.raw("""
                    UPDATE deployments SET last_scheduled_at = \(bind: claim.slot.timeIntervalSince1970)
                    WHERE id = \(bind: claim.deploymentID) AND last_scheduled_at IS NULL RETURNING id
                    """).first() != nil {
                    claimed.insert(claim.deploymentID)
                }
            }
            return claimed
        }
    }

    /// Claims per statement: three binds each, well within SQLite's and PostgreSQL's limits.
    static let claimChunk = 500

    public func deleteDeployment(id: String) async throws {
        try await withDatabase { db in
            try await db.raw("DELETE FROM deployments WHERE id = \(bind: id)").run()
        }
    }

    public func listExecutions(workspaceID: String, deploymentName: String) async throws -> [Execution] {
        try await readingExecutions { db in
            try await db.raw("""
                SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND deployment_name = \(bind: deploymentName)
                ORDER BY created_at DESC
                """).all().map(Self.execution(from:))
        }
    }

    public func latestExecution(workspaceID: String, deploymentName: String) async throws -> Execution? {
        try await readingExecutions { db in
            try await db.raw("""
                SELECT * FROM executions WHERE workspace_id = \(bind: workspaceID) AND deployment_name = \(bind: deploymentName)
                ORDER BY created_at DESC LIMIT 1
                """).first().map(Self.execution(from:))
        }
    }

    static func mappingsJSON(_ items: [JSONValue]) -> String {
        JSONValue.array(items).jsonString()
    }

    static func deployment(from row: any SQLRow) throws -> Deployment {
        let inputs = try JSONValue.parse(try row.string("inputs_mapping_json")).arrayValue ?? []
        let outputs = try JSONValue.parse(try row.string("outputs_mapping_json")).arrayValue ?? []
        var deployment = Deployment(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            pipelineID: try row.string("pipeline_id"), pipelineName: try row.string("pipeline_name"),
            stepID: try row.string("step_id"),
            rule: ExecutionRule(rawValue: try row.string("rule")) ?? .endpoint,
            mode: DeploymentMode(rawValue: try row.string("mode")) ?? .elastic,
            description: try row.optionalString("description"), isEnabled: try row.bool("is_enabled"),
            status: DeploymentStatus(rawValue: try row.string("status")) ?? .failed,
            endpointPath: try row.optionalString("endpoint_path"),
            endpointTokenHash: try row.optionalString("endpoint_token_hash"),
            endpointTokenSealed: try row.optionalString("endpoint_token_sealed"),
            schedule: try row.optionalString("schedule"),
            inputsMapping: try inputs.map { item in
                guard let mapping = InputMapping(stored: item) else { throw SlipwayError.internal("unreadable stored mapping") }
                return mapping
            },
            outputsMapping: try outputs.map { item in
                guard let mapping = OutputMapping(stored: item) else { throw SlipwayError.internal("unreadable stored mapping") }
                return mapping
            },
            parallelExecutions: try row.bool("parallel_executions"),
            maxParallelExecutions: try row.int("max_parallel_executions"),
            ramRequestBytes: try row.decode(column: "ram_request_bytes", as: Int64?.self),
            gpuRequest: try row.decode(column: "gpu_request", as: Int?.self),
            executionTimeoutSeconds: try row.decode(column: "execution_timeout_s", as: Int?.self),
            recordsInferences: try row.bool("record_inferences"),
            generation: try row.int("generation"), lastScheduledAt: try row.optionalDate("last_scheduled_at"),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"))
        deployment.updatedAt = try row.date("updated_at")
        deployment.updatedBy = try row.string("updated_by")
        return deployment
    }
}
