import Foundation
import SQLKit
import SlipwayCore

/// `ConnectionStore` on SQL (migration 22): one row per connection (names unique on the
/// server), one per attachment to a workspace. Attaching and deleting lock the connection's
/// row first, so a delete never removes a connection that an attachment committed meanwhile.
extension SQLMetadataStore {
    public func insertConnection(_ connection: Connection) async throws {
        try await sqlTransaction { db in
            let inserted = try await db.raw("""
                INSERT INTO connections (id, name, type, sealed_details, key_id, created_by, created_at, updated_at)
                VALUES (\(bind: connection.id), \(bind: connection.name), \(bind: connection.type.rawValue),
                    \(bind: connection.sealedDetails), \(bind: connection.keyID), \(bind: connection.createdBy),
                    \(bind: connection.createdAt.timeIntervalSince1970), \(bind: connection.updatedAt.timeIntervalSince1970))
                ON CONFLICT DO NOTHING RETURNING id
                """).first()
            guard inserted != nil else { throw SlipwayError.conflict("connection '\(connection.name)' already exists") }
            for workspaceID in connection.workspaceIDs {
                try await db.raw("""
                    INSERT INTO connection_workspaces (id, connection_id, workspace_id, attached_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: connection.id), \(bind: workspaceID),
                        \(bind: connection.createdAt.timeIntervalSince1970))
                    """).run()
            }
        }
    }

    public func connection(id: String) async throws -> Connection? {
        try await connections(where: "c.id = \(bind: id)").first
    }

    public func connection(named name: String) async throws -> Connection? {
        try await connections(where: "c.name = \(bind: name)").first
    }

    public func connections(workspaceID: String) async throws -> [Connection] {
        try await connections(where: """
            c.id IN (SELECT connection_id FROM connection_workspaces WHERE workspace_id = \(bind: workspaceID))
            """)
    }

    public func attachConnection(id: String, workspaceID: String, attachmentID: String, at time: Date) async throws -> String {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM connections WHERE id = \(bind: id)\(dialect.lockingRead)").first() != nil else {
                throw SlipwayError.notFound("connection", id)
            }
            try await db.raw("""
                INSERT INTO connection_workspaces (id, connection_id, workspace_id, attached_at)
                VALUES (\(bind: attachmentID), \(bind: id), \(bind: workspaceID), \(bind: time.timeIntervalSince1970))
                ON CONFLICT (connection_id, workspace_id) DO NOTHING
                """).run()
            try await db.raw("UPDATE connections SET updated_at = \(bind: time.timeIntervalSince1970) WHERE id = \(bind: id)").run()
            guard let row = try await db.raw("""
                SELECT id FROM connection_workspaces WHERE connection_id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                """).first() else { throw SlipwayError.internal("the connection was not attached") }
            return try row.string("id")
        }
    }

    public func detachConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool {
        try await sqlTransaction { db in
            let removed = try await db.raw("""
                DELETE FROM connection_workspaces WHERE connection_id = \(bind: id) AND workspace_id = \(bind: workspaceID)
                RETURNING id
                """).first() != nil
            if removed {
                try await db.raw("UPDATE connections SET updated_at = \(bind: time.timeIntervalSince1970) WHERE id = \(bind: id)").run()
            }
            return removed
        }
    }

    public func deleteConnection(id: String) async throws -> Bool {
        try await sqlTransaction { db in
            guard try await db.raw("SELECT id FROM connections WHERE id = \(bind: id)\(dialect.lockingRead)").first() != nil,
                  try await db.raw("SELECT 1 AS one FROM connection_workspaces WHERE connection_id = \(bind: id)").first() == nil
            else { return false }
            try await db.raw("DELETE FROM connections WHERE id = \(bind: id)").run()
            return true
        }
    }

    /// The connections matching `clause` (on `connections c`), oldest first, with their workspaces.
    private func connections(where clause: SQLQueryString) async throws -> [Connection] {
        try await withDatabase { db in
            let rows = try await db.raw("SELECT c.* FROM connections c WHERE \(clause) ORDER BY c.created_at, c.id").all()
            let ids = try rows.map { try $0.string("id") }
            guard !ids.isEmpty else { return [] }
            var attached: [String: [String]] = [:]
            let links = try await db.select().columns("connection_id", "workspace_id").from("connection_workspaces")
                .where("connection_id", .in, ids).all()
            for link in links { attached[try link.string("connection_id"), default: []].append(try link.string("workspace_id")) }
            return try rows.map { row in
                let id = try row.string("id")
                guard let type = ConnectionType(rawValue: try row.string("type")) else {
                    throw SlipwayError.internal("stored connection type is invalid")
                }
                return Connection(id: id, name: try row.string("name"), type: type,
                                  sealedDetails: try row.string("sealed_details"), keyID: try row.string("key_id"),
                                  createdBy: try row.string("created_by"), workspaceIDs: attached[id] ?? [],
                                  createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
            }
        }
    }
}
