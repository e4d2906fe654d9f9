import Foundation
import SQLKit
import SlipwayCore

/// `IdentityStore` on SQL.
extension SQLMetadataStore {
    public func createWorkspace(_ workspace: Workspace) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO workspaces (id, name, created_at)
                VALUES (\(bind: workspace.id), \(bind: workspace.name), \(bind: workspace.createdAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func workspace(id: String) async throws -> Workspace? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM workspaces WHERE id = \(bind: id)").first().map(Self.workspace(from:))
        }
    }

    public func workspace(named name: String) async throws -> Workspace? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM workspaces WHERE name = \(bind: name)").first().map(Self.workspace(from:))
        }
    }

    static func workspace(from row: any SQLRow) throws -> Workspace {
        Workspace(id: try row.string("id"), name: try row.string("name"), createdAt: try row.date("created_at"))
    }

    public func createUser(_ user: User) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO users (id, name, email, created_at)
                VALUES (\(bind: user.id), \(bind: user.name), \(bind: user.email), \(bind: user.createdAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func user(id: String) async throws -> User? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM users WHERE id = \(bind: id)").first().map(Self.user(from:))
        }
    }

    public func user(named name: String) async throws -> User? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM users WHERE name = \(bind: name)").first().map(Self.user(from:))
        }
    }

    static func user(from row: any SQLRow) throws -> User {
        User(id: try row.string("id"), name: try row.string("name"), email: try row.string("email"),
             createdAt: try row.date("created_at"))
    }

    public func addMember(userID: String, workspaceID: String, role: String) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO memberships (workspace_id, user_id, role) VALUES (\(bind: workspaceID), \(bind: userID), \(bind: role))
                ON CONFLICT (workspace_id, user_id) DO NOTHING
                """).run()
        }
    }

    public func isMember(userID: String, workspaceID: String) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                SELECT 1 AS one FROM memberships WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)
                """).first() != nil
        }
    }

    public func createToken(_ token: TokenRecord) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO tokens (id, kind, user_id, workspace_id, execution_id, secret_hash, created_at, expires_at, revoked)
                VALUES (\(bind: token.id), \(bind: token.kind.rawValue), \(bind: token.userID), \(bind: token.workspaceID),
                        \(bind: token.executionID), \(bind: token.secretHash), \(bind: token.createdAt.timeIntervalSince1970),
                        \(bind: token.expiresAt?.timeIntervalSince1970), \(bind: token.revoked ? 1 : 0))
                """).run()
        }
    }

    public func token(secretHash: String) async throws -> TokenRecord? {
        try await withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM tokens WHERE secret_hash = \(bind: secretHash)").first() else {
                return nil
            }
            return TokenRecord(
                id: try row.string("id"), kind: TokenKind(rawValue: try row.string("kind")) ?? .execution,
                userID: try row.string("user_id"), workspaceID: try row.string("workspace_id"),
                executionID: try row.optionalString("execution_id"), secretHash: try row.string("secret_hash"),
                createdAt: try row.date("created_at"), expiresAt: try row.optionalDate("expires_at"),
                revoked: try row.bool("revoked"))
        }
    }

    public func revokeTokens(executionID: String) async throws {
        try await withDatabase { db in
            try await db.raw("UPDATE tokens SET revoked = 1 WHERE execution_id = \(bind: executionID)").run()
        }
    }

    public func expireTokens(executionID: String, at date: Date) async throws {
        let epoch = date.timeIntervalSince1970
        try await withDatabase { db in
            try await db.raw("""
                UPDATE tokens SET expires_at = \(bind: epoch)
                WHERE execution_id = \(bind: executionID) AND revoked = 0
                  AND (expires_at IS NULL OR expires_at > \(bind: epoch))
                """).run()
        }
    }
}
