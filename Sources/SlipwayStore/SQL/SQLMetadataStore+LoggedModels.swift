import Foundation
import SQLKit
import SlipwayCore

/// `LoggedModelStore` on SQL.
extension SQLMetadataStore {
    public func insertLoggedModel(_ model: LoggedModel) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO tracking_logged_models (id, workspace_id, experiment_id, name, source_run_id, model_type, status,
                    status_message, lifecycle, created_at, updated_at)
                VALUES (\(bind: model.id), \(bind: model.workspaceID), \(bind: model.experimentID), \(bind: model.name),
                    \(bind: model.sourceRunID), \(bind: model.modelType), \(bind: model.status.rawValue),
                    \(bind: model.statusMessage), \(bind: model.lifecycle.rawValue), \(bind: model.createdAt), \(bind: model.updatedAt))
                """).run()
            try await Self.insertModelKeyValues(db, table: "tracking_logged_model_tags", modelID: model.id,
                                                model.tags.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, upsert: true)
            try await Self.insertModelKeyValues(db, table: "tracking_logged_model_params", modelID: model.id,
                                                model.params.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, upsert: false)
        }
    }

    static func insertModelKeyValues(_ db: any SQLDatabase, table: String, modelID: String, _ pairs: [(String, String)],
                                     upsert: Bool) async throws {
        for (key, value) in pairs {
            let conflict: SQLQueryString = upsert ? "DO UPDATE SET value = excluded.value" : "DO NOTHING"
            try await db.raw("""
                INSERT INTO \(unsafeRaw: table) (model_id, key, value) VALUES (\(bind: modelID), \(bind: key), \(bind: value))
                ON CONFLICT (model_id, key) \(conflict)
                """).run()
        }
    }

    public func loggedModel(workspaceID: String, id: String) async throws -> LoggedModel? {
        try await loggedModels(where: "workspace_id = \(bind: workspaceID) AND id = \(bind: id)", limit: 1, offset: 0).first
    }

    func loggedModels(where clause: SQLQueryString, limit: Int, offset: Int) async throws -> [LoggedModel] {
        try await withDatabase { db in
            var models = try await db.raw("""
                SELECT * FROM tracking_logged_models WHERE \(clause) ORDER BY created_at DESC, id LIMIT \(bind: limit) OFFSET \(bind: offset)
                """).all().map { row in
                LoggedModel(id: try row.string("id"), workspaceID: try row.string("workspace_id"),
                            experimentID: try row.string("experiment_id"), name: try row.string("name"),
                            sourceRunID: try row.optionalString("source_run_id"), modelType: try row.optionalString("model_type"),
                            status: LoggedModel.Status(rawValue: try row.string("status")) ?? .pending,
                            statusMessage: try row.optionalString("status_message"),
                            lifecycle: TrackingLifecycle(rawValue: try row.string("lifecycle")) ?? .active,
                            createdAt: try row.int64("created_at"),
                            updatedAt: try row.int64("updated_at"))
            }
            guard !models.isEmpty else { return [] }
            var index: [String: Int] = [:]
            for (position, model) in models.enumerated() { index[model.id] = position }
            let ids = Self.list(models.map(\.id))
            for row in try await db.raw("SELECT * FROM tracking_logged_model_tags WHERE model_id IN (\(ids))").all() {
                if let position = index[try row.string("model_id")] { models[position].tags[try row.string("key")] = try row.string("value") }
            }
            for row in try await db.raw("SELECT * FROM tracking_logged_model_params WHERE model_id IN (\(ids))").all() {
                if let position = index[try row.string("model_id")] { models[position].params[try row.string("key")] = try row.string("value") }
            }
            return models
        }
    }

    public func updateLoggedModel(workspaceID: String, id: String, status: LoggedModel.Status?, statusMessage: String?,
                                  lifecycle: TrackingLifecycle?, at: Int64) async throws -> Bool {
        var sets: SQLQueryString = "updated_at = \(bind: at)"
        if let status { sets += ", status = \(bind: status.rawValue), status_message = \(bind: statusMessage)" as SQLQueryString }
        if let lifecycle { sets += ", lifecycle = \(bind: lifecycle.rawValue)" as SQLQueryString }
        let setClause = sets
        return try await withDatabase { db in
            try await db.raw("""
                UPDATE tracking_logged_models SET \(setClause) WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id
                """).first() != nil
        }
    }

    public func setLoggedModelData(workspaceID: String, id: String, tags: [(key: String, value: String)],
                                   params: [(key: String, value: String)], deletedTags: [String]) async throws {
        try await sqlTransaction { db in
            try await Self.insertModelKeyValues(db, table: "tracking_logged_model_tags", modelID: id, tags.map { ($0.key, $0.value) }, upsert: true)
            try await Self.insertModelKeyValues(db, table: "tracking_logged_model_params", modelID: id, params.map { ($0.key, $0.value) }, upsert: false)
            if !deletedTags.isEmpty {
                try await db.raw("DELETE FROM tracking_logged_model_tags WHERE model_id = \(bind: id) AND key IN (\(Self.list(deletedTags)))").run()
            }
        }
    }

    public func searchLoggedModels(workspaceID: String, experimentIDs: [String], limit: Int, offset: Int) async throws -> [LoggedModel] {
        guard !experimentIDs.isEmpty else { return [] }
        return try await loggedModels(where: """
            workspace_id = \(bind: workspaceID) AND experiment_id IN (\(Self.list(experimentIDs))) AND lifecycle = 'active'
            """, limit: limit, offset: offset)
    }
}
