import Foundation
import SQLKit
import SlipwayCore

/// `FilePipelineStore` on SQL (migration 26): a pipeline unique per (workspace, name), a
/// workflow unique per (pipeline, file path, file version); claims are compare-and-set updates.
extension SQLMetadataStore {
    public func insertFilePipeline(_ pipeline: FilePipeline) async throws {
        try await withDatabase { db in
            let stored = try await db.raw("""
                INSERT INTO file_pipelines (id, workspace_id, name, description, package_id, config_json, condition_json,
                    enabled, enabled_at, created_by, created_at, updated_at)
                VALUES (\(bind: pipeline.id), \(bind: pipeline.workspaceID), \(bind: pipeline.name), \(bind: pipeline.description),
                    \(bind: pipeline.packageID), \(bind: encodeJSON(pipeline.config)), \(bind: encodeJSON(pipeline.condition)),
                    \(bind: pipeline.enabled ? 1 : 0), \(bind: pipeline.enabledAt.timeIntervalSince1970), \(bind: pipeline.createdBy),
                    \(bind: pipeline.createdAt.timeIntervalSince1970), \(bind: pipeline.updatedAt.timeIntervalSince1970))
                ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id
                """).first()
            guard stored != nil else { throw Self.pipelineNameTaken(pipeline.name) }
        }
    }

    static func pipelineNameTaken(_ name: String) -> SlipwayError {
        .conflict("a pipeline named '\(NameRules.printable(name))' already exists in this workspace")
    }

    public func filePipeline(id: String) async throws -> FilePipeline? {
        try await filePipelines(where: "id = \(bind: id)").first
    }

    public func filePipelines(workspaceID: String) async throws -> [FilePipeline] {
        try await filePipelines(where: "workspace_id = \(bind: workspaceID)")
    }

    public func enabledFilePipelines(workspaceID: String?) async throws -> [FilePipeline] {
        if let workspaceID {
            return try await filePipelines(where: "enabled = 1 AND workspace_id = \(bind: workspaceID)")
        }
        return try await filePipelines(where: "enabled = 1")
    }

    private func filePipelines(where condition: SQLQueryString) async throws -> [FilePipeline] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM file_pipelines WHERE \(condition) ORDER BY name, id").all().map(Self.filePipeline(from:))
        }
    }

    public func updateFilePipeline(_ pipeline: FilePipeline) async throws -> Bool {
        try await sqlTransaction { db in
            let taken = try await db.raw("""
                SELECT id FROM file_pipelines WHERE workspace_id = \(bind: pipeline.workspaceID) AND name = \(bind: pipeline.name)
                    AND id <> \(bind: pipeline.id)
                """).first()
            guard taken == nil else { throw Self.pipelineNameTaken(pipeline.name) }
            return try await db.raw("""
                UPDATE file_pipelines SET name = \(bind: pipeline.name), description = \(bind: pipeline.description),
                    package_id = \(bind: pipeline.packageID), config_json = \(bind: encodeJSON(pipeline.config)),
                    condition_json = \(bind: encodeJSON(pipeline.condition)), enabled = \(bind: pipeline.enabled ? 1 : 0),
                    enabled_at = \(bind: pipeline.enabledAt.timeIntervalSince1970), updated_at = \(bind: pipeline.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: pipeline.id) RETURNING id
                """).first() != nil
        }
    }

    public func deleteFilePipeline(id: String) async throws -> Bool {
        try await sqlTransaction { db in
            try await db.raw("DELETE FROM file_workflows WHERE pipeline_id = \(bind: id)").run()
            return try await db.raw("DELETE FROM file_pipelines WHERE id = \(bind: id) RETURNING id").first() != nil
        }
    }

    static func filePipeline(from row: any SQLRow) throws -> FilePipeline {
        FilePipeline(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            description: try row.string("description"), packageID: try row.string("package_id"),
            config: try row.json("config_json", as: [String: FilePipeline.ConfigValue].self),
            condition: try row.json("condition_json", as: FileCondition.self), enabled: try row.bool("enabled"),
            enabledAt: try row.date("enabled_at"), createdBy: try row.string("created_by"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"))
    }

    public func insertFileWorkflow(_ workflow: FileWorkflow) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO file_workflows (id, pipeline_id, workspace_id, file_path, file_version, status, steps_json, attempts,
                    failure_reason, claim_token, claimed_until, created_at, updated_at, started_at, ended_at)
                VALUES (\(bind: workflow.id), \(bind: workflow.pipelineID), \(bind: workflow.workspaceID), \(bind: workflow.filePath),
                    \(bind: workflow.fileVersion), \(bind: workflow.status.rawValue), \(bind: encodeJSON(workflow.steps)),
                    \(bind: workflow.attempts), \(bind: workflow.failureReason), \(bind: workflow.claimToken),
                    \(bind: workflow.claimedUntil?.timeIntervalSince1970), \(bind: workflow.createdAt.timeIntervalSince1970),
                    \(bind: workflow.updatedAt.timeIntervalSince1970), \(bind: workflow.startedAt?.timeIntervalSince1970),
                    \(bind: workflow.endedAt?.timeIntervalSince1970))
                ON CONFLICT (pipeline_id, file_path, file_version) DO NOTHING RETURNING id
                """).first() != nil
        }
    }

    public func fileWorkflow(id: String) async throws -> FileWorkflow? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM file_workflows WHERE id = \(bind: id)").first().map(Self.fileWorkflow(from:))
        }
    }

    public func fileWorkflows(_ query: FileWorkflowQuery) async throws -> [FileWorkflow] {
        var condition: SQLQueryString = "workspace_id = \(bind: query.workspaceID)"
        if let pipelineID = query.pipelineID { condition += " AND pipeline_id = \(bind: pipelineID)" }
        if let status = query.status { condition += " AND status = \(bind: status.rawValue)" }
        if let filePath = query.filePath { condition += " AND file_path = \(bind: filePath)" }
        return try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM file_workflows WHERE \(condition) ORDER BY created_at DESC, id DESC LIMIT \(bind: max(query.limit, 0))
                """).all().map(Self.fileWorkflow(from:))
        }
    }

    public func fileWorkflowVersions(pipelineID: String, paths: [String]) async throws -> Set<String> {
        guard !paths.isEmpty else { return [] }
        var versions = Set<String>()
        // In chunks, well below every backend's limit on bound parameters.
        for chunk in stride(from: 0, to: paths.count, by: 500).map({ Array(paths[$0..<min($0 + 500, paths.count)]) }) {
            let list = SQLList(chunk.map { SQLBind($0) })
            let rows = try await withDatabase { db in
                try await db.raw("""
                    SELECT file_path, file_version FROM file_workflows WHERE pipeline_id = \(bind: pipelineID) AND file_path IN (\(list))
                    """).all()
            }
            for row in rows { versions.insert(try row.string("file_path") + "\n" + row.string("file_version")) }
        }
        return versions
    }

    public func claimFileWorkflow(id: String, token: String, until: Date, now: Date, takeOver: Bool) async throws -> FileWorkflow? {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE file_workflows SET status = \(bind: FileWorkflow.Status.running.rawValue), claim_token = \(bind: token),
                    claimed_until = \(bind: until.timeIntervalSince1970), attempts = attempts + 1,
                    started_at = COALESCE(started_at, \(bind: now.timeIntervalSince1970)), updated_at = \(bind: now.timeIntervalSince1970)
                WHERE id = \(bind: id) AND (status = \(bind: FileWorkflow.Status.pending.rawValue)
                    OR (status = \(bind: FileWorkflow.Status.running.rawValue)
                        AND (\(bind: takeOver ? 1 : 0) = 1 OR claimed_until < \(bind: now.timeIntervalSince1970))))
                RETURNING *
                """).first().map(Self.fileWorkflow(from:))
        }
    }

    public func saveFileWorkflow(_ workflow: FileWorkflow, claimToken: String) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE file_workflows SET status = \(bind: workflow.status.rawValue), steps_json = \(bind: encodeJSON(workflow.steps)),
                    failure_reason = \(bind: workflow.failureReason), claim_token = \(bind: workflow.claimToken),
                    claimed_until = \(bind: workflow.claimedUntil?.timeIntervalSince1970),
                    updated_at = \(bind: workflow.updatedAt.timeIntervalSince1970), ended_at = \(bind: workflow.endedAt?.timeIntervalSince1970)
                WHERE id = \(bind: workflow.id) AND claim_token = \(bind: claimToken) RETURNING id
                """).first() != nil
        }
    }

    public func extendFileWorkflowClaim(id: String, token: String, until: Date) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE file_workflows SET claimed_until = \(bind: until.timeIntervalSince1970)
                WHERE id = \(bind: id) AND claim_token = \(bind: token) RETURNING id
                """).first() != nil
        }
    }

    public func availableFileWorkflows(now: Date, limit: Int) async throws -> [FileWorkflow] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM file_workflows WHERE status = \(bind: FileWorkflow.Status.pending.rawValue)
                    OR (status = \(bind: FileWorkflow.Status.running.rawValue) AND claimed_until < \(bind: now.timeIntervalSince1970))
                ORDER BY created_at, id LIMIT \(bind: max(limit, 0))
                """).all().map(Self.fileWorkflow(from:))
        }
    }

    public func requeueFileWorkflow(id: String, steps: [FileWorkflowStep], at time: Date) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE file_workflows SET status = \(bind: FileWorkflow.Status.pending.rawValue), steps_json = \(bind: encodeJSON(steps)),
                    failure_reason = NULL, claim_token = NULL, claimed_until = NULL, ended_at = NULL,
                    updated_at = \(bind: time.timeIntervalSince1970)
                WHERE id = \(bind: id) AND status = \(bind: FileWorkflow.Status.failed.rawValue) RETURNING id
                """).first() != nil
        }
    }

    static func fileWorkflow(from row: any SQLRow) throws -> FileWorkflow {
        FileWorkflow(
            id: try row.string("id"), pipelineID: try row.string("pipeline_id"), workspaceID: try row.string("workspace_id"),
            filePath: try row.string("file_path"), fileVersion: try row.string("file_version"),
            status: FileWorkflow.Status(rawValue: try row.string("status")) ?? .failed,
            steps: try row.json("steps_json", as: [FileWorkflowStep].self), attempts: try row.int("attempts"),
            failureReason: try row.optionalString("failure_reason"), claimToken: try row.optionalString("claim_token"),
            claimedUntil: try row.optionalDate("claimed_until"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), startedAt: try row.optionalDate("started_at"),
            endedAt: try row.optionalDate("ended_at"))
    }
}
