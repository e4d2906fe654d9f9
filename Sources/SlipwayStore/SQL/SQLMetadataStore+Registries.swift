import Foundation
import SQLKit
import SlipwayCore

/// `RegistryConnectionStore` on SQL: one row per connection, one per attached workspace.
extension SQLMetadataStore {
    public func insertRegistryConnection(_ connection: ModelRegistryConnection) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO model_registry_connections (id, name, url, sealed_token, created_by, created_at, updated_at)
                VALUES (\(bind: connection.id), \(bind: connection.name), \(bind: connection.url.absoluteString),
                    \(bind: connection.sealedToken), \(bind: connection.createdBy),
                    \(bind: connection.createdAt.timeIntervalSince1970), \(bind: connection.updatedAt.timeIntervalSince1970))
                """).run()
            for workspaceID in connection.workspaceIDs {
                try await db.raw("""
                    INSERT INTO model_registry_workspaces (registry_id, workspace_id, attached_at)
                    VALUES (\(bind: connection.id), \(bind: workspaceID), \(bind: connection.createdAt.timeIntervalSince1970))
                    """).run()
            }
        }
    }

    public func registryConnection(id: String) async throws -> ModelRegistryConnection? {
        try await withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM model_registry_connections WHERE id = \(bind: id)").first() else {
                return nil
            }
            let workspaces = try await db.raw("""
                SELECT workspace_id FROM model_registry_workspaces WHERE registry_id = \(bind: id)
                """).all().map { try $0.string("workspace_id") }
            return try Self.registryConnection(from: row, workspaceIDs: workspaces)
        }
    }

    public func registryConnections(workspaceID: String) async throws -> [ModelRegistryConnection] {
        try await withDatabase { db in
            let rows = try await db.raw("""
                SELECT c.* FROM model_registry_connections c
                JOIN model_registry_workspaces w ON w.registry_id = c.id
                WHERE w.workspace_id = \(bind: workspaceID) ORDER BY c.created_at, c.id
                """).all()
            let ids = try rows.map { try $0.string("id") }
            guard !ids.isEmpty else { return [] }
            var attached: [String: [String]] = [:]
            let links = try await db.select().columns("registry_id", "workspace_id").from("model_registry_workspaces")
                .where("registry_id", .in, ids).all()
            for link in links { attached[try link.string("registry_id"), default: []].append(try link.string("workspace_id")) }
            return try rows.map { row in try Self.registryConnection(from: row, workspaceIDs: attached[try row.string("id")] ?? []) }
        }
    }

    public func attachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO model_registry_workspaces (registry_id, workspace_id, attached_at)
                VALUES (\(bind: id), \(bind: workspaceID), \(bind: time.timeIntervalSince1970)) ON CONFLICT DO NOTHING
                """).run()
            try await db.raw("""
                UPDATE model_registry_connections SET updated_at = \(bind: time.timeIntervalSince1970) WHERE id = \(bind: id)
                """).run()
        }
    }

    public func detachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool {
        try await sqlTransaction { db in
            let attached = try await db.raw("""
                SELECT 1 AS one FROM model_registry_workspaces WHERE registry_id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                """).first() != nil
            guard attached else { return false }
            try await db.raw("""
                DELETE FROM model_registry_workspaces WHERE registry_id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                """).run()
            try await db.raw("""
                UPDATE model_registry_connections SET updated_at = \(bind: time.timeIntervalSince1970) WHERE id = \(bind: id)
                """).run()
            return true
        }
    }

    static func registryConnection(from row: any SQLRow, workspaceIDs: [String]) throws -> ModelRegistryConnection {
        let text = try row.string("url")
        guard let url = URL(string: text) else { throw SlipwayError.internal("stored registry URL is not a URL") }
        return ModelRegistryConnection(
            id: try row.string("id"), name: try row.string("name"), url: url,
            sealedToken: try row.optionalString("sealed_token"), createdBy: try row.string("created_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"), workspaceIDs: workspaceIDs)
    }
}
