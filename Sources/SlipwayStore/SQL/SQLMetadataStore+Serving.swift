import Foundation
import SQLKit
import SlipwayCore

/// `ServingStore` on SQL.
extension SQLMetadataStore {
    public func insertPipelineVersion(_ version: PipelineVersion) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO pipeline_versions (id, pipeline_id, workspace_id, graph_json, created_at, created_by)
                VALUES (\(bind: version.id), \(bind: version.pipelineID), \(bind: version.workspaceID),
                    \(bind: encodeJSON(version.graph)), \(bind: version.createdAt.timeIntervalSince1970), \(bind: version.createdBy))
                """).run()
            try await db.raw("""
                UPDATE pipelines SET graph_json = \(bind: encodeJSON(version.graph)) WHERE id = \(bind: version.pipelineID)
                """).run()
        }
    }

    public func pipelineVersion(id: String) async throws -> PipelineVersion? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM pipeline_versions WHERE id = \(bind: id)").first().map(Self.pipelineVersion(from:))
        }
    }

    public func pipelineVersions(pipelineID: String) async throws -> [PipelineVersion] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM pipeline_versions WHERE pipeline_id = \(bind: pipelineID) ORDER BY created_at, id
                """).all().map(Self.pipelineVersion(from:))
        }
    }

    public func pipeline(id: String) async throws -> Pipeline? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM pipelines WHERE id = \(bind: id)").first().map(Self.pipeline(from:))
        }
    }

    public func insertModelDeployment(_ d: ModelDeployment) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO model_deployments (id, workspace_id, name, pipeline_id, pipeline_version_id, resources_json,
                    status, status_message, generation, created_at, created_by, updated_at)
                VALUES (\(bind: d.id), \(bind: d.workspaceID), \(bind: d.name), \(bind: d.pipelineID),
                    \(bind: d.pipelineVersionID), \(bind: encodeJSON(d.resources)), \(bind: d.status.rawValue),
                    \(bind: d.statusMessage), \(bind: d.generation), \(bind: d.createdAt.timeIntervalSince1970),
                    \(bind: d.createdBy), \(bind: d.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func updateModelDeployment(_ d: ModelDeployment) async throws {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE model_deployments SET pipeline_id = \(bind: d.pipelineID),
                    pipeline_version_id = \(bind: d.pipelineVersionID), resources_json = \(bind: encodeJSON(d.resources)),
                    status = \(bind: d.status.rawValue), status_message = \(bind: d.statusMessage),
                    generation = \(bind: d.generation), updated_at = \(bind: d.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: d.id)
                """).run()
        }
    }

    public func modelDeployment(id: String) async throws -> ModelDeployment? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM model_deployments WHERE id = \(bind: id)").first().map(Self.modelDeployment(from:))
        }
    }

    public func modelDeployment(workspaceID: String, name: String) async throws -> ModelDeployment? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM model_deployments WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)
                """).first().map(Self.modelDeployment(from:))
        }
    }

    public func modelDeployments(pipelineID: String) async throws -> [ModelDeployment] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM model_deployments WHERE pipeline_id = \(bind: pipelineID) ORDER BY created_at, id
                """).all().map(Self.modelDeployment(from:))
        }
    }

    public func activeModelDeployments() async throws -> [ModelDeployment] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM model_deployments WHERE status <> \(bind: ServingStatus.stopped.rawValue) ORDER BY created_at, id
                """).all().map(Self.modelDeployment(from:))
        }
    }

    static func pipelineVersion(from row: any SQLRow) throws -> PipelineVersion {
        PipelineVersion(id: try row.string("id"), pipelineID: try row.string("pipeline_id"),
                        workspaceID: try row.string("workspace_id"), graph: try row.json("graph_json", as: PipelineGraph.self),
                        createdAt: try row.date("created_at"), createdBy: try row.string("created_by"))
    }

    static func modelDeployment(from row: any SQLRow) throws -> ModelDeployment {
        ModelDeployment(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            pipelineID: try row.string("pipeline_id"), pipelineVersionID: try row.string("pipeline_version_id"),
            resources: try row.json("resources_json", as: ServingResources.self),
            status: ServingStatus(rawValue: try row.string("status")) ?? .failed,
            statusMessage: try row.optionalString("status_message"), generation: try row.int("generation"),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
            updatedAt: try row.date("updated_at"))
    }
}
