import Foundation
import SQLKit
import SlipwayCore

/// `CatalogStore` on SQL.
extension SQLMetadataStore {
    public func insertStep(_ step: Step) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO steps (id, workspace_id, name, function_path, function_name, description, inputs_json,
                    outputs_json, container_json, status, owner_pipeline, code_digest, archive_blob, environment_key,
                    created_at, created_by, updated_at)
                VALUES (\(bind: step.id), \(bind: step.workspaceID), \(bind: step.name), \(bind: step.functionPath),
                    \(bind: step.functionName), \(bind: step.description), \(bind: encodeJSON(step.inputs)),
                    \(bind: encodeJSON(step.outputs)), \(bind: encodeJSON(step.containerConfig)),
                    \(bind: step.status.rawValue), \(bind: step.ownerPipelineName), \(bind: step.codeDigest),
                    \(bind: step.archiveBlob), \(bind: step.environmentKey), \(bind: step.createdAt.timeIntervalSince1970),
                    \(bind: step.createdBy), \(bind: step.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func step(workspaceID: String, name: String) async throws -> Step? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM steps WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.step(from:))
        }
    }

    public func step(id: String) async throws -> Step? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM steps WHERE id = \(bind: id)").first().map(Self.step(from:))
        }
    }

    public func listSteps(workspaceID: String, includeOwned: Bool) async throws -> [Step] {
        try await withDatabase { db in
            let rows = try await db.raw("""
                SELECT * FROM steps WHERE workspace_id = \(bind: workspaceID)
                AND (\(bind: includeOwned ? 1 : 0) = 1 OR owner_pipeline IS NULL) ORDER BY created_at
                """).all()
            return try rows.map(Self.step(from:))
        }
    }

    public func updateStepStatus(id: String, from: CreationStatus, to: CreationStatus, environmentKey: String?) async throws -> Bool {
        try await withDatabase { db in
            let rows = try await db.raw("""
                UPDATE steps SET status = \(bind: to.rawValue), environment_key = COALESCE(\(bind: environmentKey), environment_key),
                    updated_at = \(bind: Date().timeIntervalSince1970)
                WHERE id = \(bind: id) AND status = \(bind: from.rawValue) RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    public func deleteStep(id: String) async throws {
        try await withDatabase { db in try await db.raw("DELETE FROM steps WHERE id = \(bind: id)").run() }
    }

    public func pendingSteps() async throws -> [Step] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM steps WHERE status = \(bind: CreationStatus.pending.rawValue)").all()
                .map(Self.step(from:))
        }
    }

    static func step(from row: any SQLRow) throws -> Step {
        Step(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
             functionPath: try row.string("function_path"), functionName: try row.string("function_name"),
             description: try row.optionalString("description"),
             inputs: try row.json("inputs_json", as: [InputDefinition].self),
             outputs: try row.json("outputs_json", as: [OutputDefinition].self),
             containerConfig: try row.json("container_json", as: ContainerConfig.self),
             status: CreationStatus(rawValue: try row.string("status")) ?? .failed,
             ownerPipelineName: try row.optionalString("owner_pipeline"), codeDigest: try row.string("code_digest"),
             archiveBlob: try row.string("archive_blob"), environmentKey: try row.optionalString("environment_key"),
             createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
             updatedAt: try row.date("updated_at"))
    }

    public func insertPipeline(_ pipeline: Pipeline) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO pipelines (id, workspace_id, name, graph_json, owns_step, created_at, created_by)
                VALUES (\(bind: pipeline.id), \(bind: pipeline.workspaceID), \(bind: pipeline.name),
                    \(bind: encodeJSON(pipeline.graph)), \(bind: pipeline.ownsStep ? 1 : 0),
                    \(bind: pipeline.createdAt.timeIntervalSince1970), \(bind: pipeline.createdBy))
                """).run()
            for stepID in pipeline.stepIDs {
                try await db.raw("""
                    INSERT INTO pipeline_steps (pipeline_id, step_id) VALUES (\(bind: pipeline.id), \(bind: stepID))
                    """).run()
            }
        }
    }

    public func pipeline(workspaceID: String, name: String) async throws -> Pipeline? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM pipelines WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.pipeline(from:))
        }
    }

    public func listPipelines(workspaceID: String) async throws -> [Pipeline] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM pipelines WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at").all()
                .map(Self.pipeline(from:))
        }
    }

    public func pipelines(usingStepID stepID: String) async throws -> [Pipeline] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT pipelines.* FROM pipelines JOIN pipeline_steps ON pipeline_steps.pipeline_id = pipelines.id
                WHERE pipeline_steps.step_id = \(bind: stepID) ORDER BY pipelines.created_at
                """).all()
                .map(Self.pipeline(from:))
        }
    }

    public func deletePipeline(id: String) async throws {
        try await sqlTransaction { db in
            try await db.raw("DELETE FROM pipeline_steps WHERE pipeline_id = \(bind: id)").run()
            try await db.raw("DELETE FROM pipelines WHERE id = \(bind: id)").run()
        }
    }

    static func pipeline(from row: any SQLRow) throws -> Pipeline {
        Pipeline(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
                 graph: try row.json("graph_json", as: PipelineGraph.self), ownsStep: try row.bool("owns_step"),
                 createdAt: try row.date("created_at"), createdBy: try row.string("created_by"))
    }
}
