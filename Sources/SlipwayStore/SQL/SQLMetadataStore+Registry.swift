import Foundation
import SQLKit
import SlipwayCore

/// The registry part of `ModelStore` on SQL: renames, updates and deletions of models and
/// versions, and their tags and aliases (upserted with `ON CONFLICT`, which both databases
/// accept).
extension SQLMetadataStore {
    public func updateModel(_ model: Model) async throws {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE models SET name = \(bind: model.name), description = \(bind: model.description),
                    updated_at = \(bind: model.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: model.id)
                """).run()
        }
    }

    public func deleteModel(id: String) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                DELETE FROM model_version_tags WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = \(bind: id))
                """).run()
            try await db.raw("DELETE FROM model_aliases WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM model_tags WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM model_versions WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM models WHERE id = \(bind: id)").run()
        }
    }

    public func updateModelVersion(_ version: ModelVersion) async throws {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE model_versions SET description = \(bind: version.description), stage = \(bind: version.stage.rawValue),
                    status = \(bind: version.status.rawValue), status_message = \(bind: version.statusMessage),
                    updated_at = \(bind: version.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: version.id) AND deleted = 0
                """).run()
        }
    }

    public func deleteModelVersion(id: String) async throws {
        try await sqlTransaction { db in
            try await db.raw("DELETE FROM model_version_tags WHERE version_id = \(bind: id)").run()
            try await db.raw("DELETE FROM model_aliases WHERE version_id = \(bind: id)").run()
            try await db.raw("UPDATE model_versions SET deleted = 1 WHERE id = \(bind: id)").run()
        }
    }

    public func modelVersions(workspaceID: String) async throws -> [ModelVersion] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM model_versions WHERE workspace_id = \(bind: workspaceID) AND deleted = 0 ORDER BY model_id, number
                """).all().map(Self.modelVersion(from:))
        }
    }

    public func modelTags(modelID: String) async throws -> [String: String] {
        try await withDatabase { db in
            try await Self.pairs(db.raw("SELECT tag_key, tag_value FROM model_tags WHERE model_id = \(bind: modelID)").all())
        }
    }

    public func modelTags(workspaceID: String) async throws -> [String: [String: String]] {
        try await withDatabase { db in
            try await Self.grouped(db.raw("""
                SELECT model_id AS owner, tag_key, tag_value FROM model_tags WHERE workspace_id = \(bind: workspaceID)
                """).all())
        }
    }

    public func setModelTag(modelID: String, workspaceID: String, key: String, value: String) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO model_tags (model_id, workspace_id, tag_key, tag_value)
                VALUES (\(bind: modelID), \(bind: workspaceID), \(bind: key), \(bind: value))
                ON CONFLICT (model_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """).run()
        }
    }

    public func deleteModelTag(modelID: String, key: String) async throws {
        try await withDatabase { db in
            try await db.raw("DELETE FROM model_tags WHERE model_id = \(bind: modelID) AND tag_key = \(bind: key)").run()
        }
    }

    public func modelVersionTags(versionID: String) async throws -> [String: String] {
        try await withDatabase { db in
            try await Self.pairs(db.raw("""
                SELECT tag_key, tag_value FROM model_version_tags WHERE version_id = \(bind: versionID)
                """).all())
        }
    }

    public func modelVersionTags(workspaceID: String) async throws -> [String: [String: String]] {
        try await withDatabase { db in
            try await Self.grouped(db.raw("""
                SELECT version_id AS owner, tag_key, tag_value FROM model_version_tags WHERE workspace_id = \(bind: workspaceID)
                """).all())
        }
    }

    public func setModelVersionTag(versionID: String, workspaceID: String, key: String, value: String) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO model_version_tags (version_id, workspace_id, tag_key, tag_value)
                VALUES (\(bind: versionID), \(bind: workspaceID), \(bind: key), \(bind: value))
                ON CONFLICT (version_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """).run()
        }
    }

    public func deleteModelVersionTag(versionID: String, key: String) async throws {
        try await withDatabase { db in
            try await db.raw("""
                DELETE FROM model_version_tags WHERE version_id = \(bind: versionID) AND tag_key = \(bind: key)
                """).run()
        }
    }

    public func modelAliases(modelID: String) async throws -> [String: String] {
        try await withDatabase { db in
            var aliases: [String: String] = [:]
            for row in try await db.raw("SELECT alias, version_id FROM model_aliases WHERE model_id = \(bind: modelID)").all() {
                aliases[try row.string("alias")] = try row.string("version_id")
            }
            return aliases
        }
    }

    public func modelAliases(workspaceID: String) async throws -> [String: [String: String]] {
        try await withDatabase { db in
            var aliases: [String: [String: String]] = [:]
            for row in try await db.raw("""
                SELECT model_id, alias, version_id FROM model_aliases WHERE workspace_id = \(bind: workspaceID)
                """).all() {
                aliases[try row.string("model_id"), default: [:]][try row.string("alias")] = try row.string("version_id")
            }
            return aliases
        }
    }

    public func setModelAlias(modelID: String, workspaceID: String, alias: String, versionID: String) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO model_aliases (model_id, workspace_id, alias, version_id)
                VALUES (\(bind: modelID), \(bind: workspaceID), \(bind: alias), \(bind: versionID))
                ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id
                """).run()
        }
    }

    public func deleteModelAlias(modelID: String, alias: String) async throws {
        try await withDatabase { db in
            try await db.raw("DELETE FROM model_aliases WHERE model_id = \(bind: modelID) AND alias = \(bind: alias)").run()
        }
    }

    static func pairs(_ rows: [any SQLRow]) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for row in rows { pairs[try row.string("tag_key")] = try row.string("tag_value") }
        return pairs
    }

    static func grouped(_ rows: [any SQLRow]) throws -> [String: [String: String]] {
        var groups: [String: [String: String]] = [:]
        for row in rows { groups[try row.string("owner"), default: [:]][try row.string("tag_key")] = try row.string("tag_value") }
        return groups
    }
}
