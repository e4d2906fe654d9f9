import Foundation
import SQLKit
import SlipwayCore

/// `ModelStore` on SQL.
extension SQLMetadataStore {
    public func insertModel(_ model: Model) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO models (id, workspace_id, name, description, created_at, created_by, updated_at)
                VALUES (\(bind: model.id), \(bind: model.workspaceID), \(bind: model.name), \(bind: model.description),
                    \(bind: model.createdAt.timeIntervalSince1970), \(bind: model.createdBy),
                    \(bind: model.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func model(id: String) async throws -> Model? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM models WHERE id = \(bind: id)").first().map(Self.model(from:))
        }
    }

    public func model(workspaceID: String, name: String) async throws -> Model? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM models WHERE workspace_id = \(bind: workspaceID) AND name = \(bind: name)")
                .first().map(Self.model(from:))
        }
    }

    public func listModels(workspaceID: String) async throws -> [Model] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM models WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at DESC, id DESC")
                .all().map(Self.model(from:))
        }
    }

    public func insertModelVersion(_ version: ModelVersion) async throws -> ModelVersion {
        try await sqlTransaction { db in
            let last = try await db.raw("""
                SELECT MAX(number) AS n FROM model_versions WHERE model_id = \(bind: version.modelID)
                """).first()?.decode(column: "n", as: Int?.self)
            var stored = version
            stored.number = (last ?? 0) + 1
            let v = stored
            try await db.raw("""
                INSERT INTO model_versions (id, model_id, workspace_id, number, blob_key, file_name, size, sha256, framework,
                    input_schema_json, output_schema_json, configuration_json, status, status_message, created_at, created_by,
                    description, stage, source, run_id, run_link, updated_at)
                VALUES (\(bind: v.id), \(bind: v.modelID), \(bind: v.workspaceID), \(bind: v.number), \(bind: v.blobKey),
                    \(bind: v.fileName), \(bind: v.size), \(bind: v.sha256.value), \(bind: v.framework.rawValue),
                    \(bind: v.inputSchema.map { encodeJSON($0) }), \(bind: v.outputSchema.map { encodeJSON($0) }),
                    \(bind: v.configuration.map { encodeJSON($0) }), \(bind: v.status.rawValue), \(bind: v.statusMessage),
                    \(bind: v.createdAt.timeIntervalSince1970), \(bind: v.createdBy), \(bind: v.description),
                    \(bind: v.stage.rawValue), \(bind: v.source), \(bind: v.runID), \(bind: v.runLink),
                    \(bind: v.updatedAt.timeIntervalSince1970))
                """).run()
            try await db.raw("""
                UPDATE models SET updated_at = \(bind: v.createdAt.timeIntervalSince1970) WHERE id = \(bind: v.modelID)
                """).run()
            return v
        }
    }

    public func modelVersion(id: String) async throws -> ModelVersion? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM model_versions WHERE id = \(bind: id) AND deleted = 0").first().map(Self.modelVersion(from:))
        }
    }

    public func modelVersions(modelID: String) async throws -> [ModelVersion] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM model_versions WHERE model_id = \(bind: modelID) AND deleted = 0 ORDER BY number")
                .all().map(Self.modelVersion(from:))
        }
    }

    public func updateModelVersionStatus(id: String, status: ModelVersionStatus, message: String?) async throws {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE model_versions SET status = \(bind: status.rawValue), status_message = \(bind: message)
                WHERE id = \(bind: id)
                """).run()
        }
    }

    static func model(from row: any SQLRow) throws -> Model {
        Model(id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
              description: try row.optionalString("description"), createdAt: try row.date("created_at"),
              createdBy: try row.string("created_by"), updatedAt: try row.date("updated_at"))
    }

    static func modelVersion(from row: any SQLRow) throws -> ModelVersion {
        let framework = try row.string("framework")
        return ModelVersion(
            id: try row.string("id"), modelID: try row.string("model_id"), workspaceID: try row.string("workspace_id"),
            number: try row.int("number"), blobKey: try row.string("blob_key"), fileName: try row.string("file_name"),
            size: Int64(try row.int("size")), sha256: try SHA256Hex(try row.string("sha256")),
            framework: ModelFramework(rawValue: framework) ?? .other(framework),
            inputSchema: try row.optionalJSON("input_schema_json", as: ModelSchema.self),
            outputSchema: try row.optionalJSON("output_schema_json", as: ModelSchema.self),
            configuration: try row.optionalJSON("configuration_json", as: JSONValue.self),
            status: ModelVersionStatus(rawValue: try row.string("status")) ?? .failed,
            statusMessage: try row.optionalString("status_message"), createdAt: try row.date("created_at"),
            createdBy: try row.string("created_by"), description: try row.optionalString("description"),
            stage: ModelStage(rawValue: try row.string("stage")) ?? .none, source: try row.optionalString("source"),
            runID: try row.optionalString("run_id"), runLink: try row.optionalString("run_link"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}
