import Foundation
import SQLKit
import SlipwayCore

/// `IdentityStore` on SQL.
extension SQLMetadataStore {
    /// The number is one more than the largest so far, computed in the insert itself; two
    /// PostgreSQL connections inserting at once may compute the same one, and the loser (its
    /// insert refused by the unique index on `number`) tries again after a short random pause.
    @discardableResult
    public func createWorkspace(_ workspace: Workspace) async throws -> Workspace {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let number = try await withDatabase { db in
                    try await db.raw("""
                        INSERT INTO workspaces (id, name, created_at, number, created_by, archived)
                        SELECT \(bind: workspace.id), \(bind: workspace.name), \(bind: workspace.createdAt.timeIntervalSince1970),
                               COALESCE(MAX(number), 0) + 1, \(bind: workspace.createdBy), \(bind: workspace.isArchived ? 1 : 0)
                        FROM workspaces
                        RETURNING number
                        """).first().map { try $0.int("number") }
                }
                guard let number else { throw SlipwayError.internal("the workspace insert returned no number") }
                var stored = workspace
                stored.number = number
                return stored
            } catch {
                guard dialect == .postgres, attempt < 20, try await self.workspace(named: workspace.name) == nil,
                      try await self.workspace(id: workspace.id) == nil else { throw error }
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
            }
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

    public func workspace(number: Int) async throws -> Workspace? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM workspaces WHERE number = \(bind: number)").first().map(Self.workspace(from:))
        }
    }

    public func listWorkspaces() async throws -> [Workspace] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM workspaces ORDER BY number").all().map(Self.workspace(from:))
        }
    }

    static func workspace(from row: any SQLRow) throws -> Workspace {
        Workspace(id: try row.string("id"), name: try row.string("name"), createdAt: try row.date("created_at"),
                  number: try row.decode(column: "number", as: Int?.self) ?? 0,
                  createdBy: try row.optionalString("created_by"), isArchived: try row.bool("archived"),
                  allowsOutboundNetwork: try row.bool("outbound_network"))
    }

    public func setWorkspaceOutboundNetwork(id: String, allowed: Bool) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("UPDATE workspaces SET outbound_network = \(bind: allowed ? 1 : 0) WHERE id = \(bind: id) RETURNING id")
                .first() != nil
        }
    }

    public func createUser(_ user: User) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO users (id, name, email, created_at, first_name, last_name, enabled, administrator)
                VALUES (\(bind: user.id), \(bind: user.name), \(bind: user.email), \(bind: user.createdAt.timeIntervalSince1970),
                        \(bind: user.firstName), \(bind: user.lastName), \(bind: user.isEnabled ? 1 : 0),
                        \(bind: user.isAdministrator ? 1 : 0))
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

    /// Through the `lower(email)` index; the oldest user wins should two share an address
    /// (possible only for users created before emails were checked).
    public func user(email: String) async throws -> User? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM users WHERE lower(email) = lower(\(bind: email)) ORDER BY created_at, id LIMIT 1
                """).first().map(Self.user(from:))
        }
    }

    public func listUsers() async throws -> [User] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM users ORDER BY created_at, id").all().map(Self.user(from:))
        }
    }

    public func setUserEnabled(id: String, enabled: Bool) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE users SET enabled = \(bind: enabled ? 1 : 0) WHERE id = \(bind: id) RETURNING id
                """).first() != nil
        }
    }

    public func setPasswordHash(userID: String, hash: String) async throws {
        try await withDatabase { db in
            try await db.raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: userID)").run()
        }
    }

    public func passwordHash(userID: String) async throws -> String? {
        try await withDatabase { db in
            try await db.raw("SELECT password_hash FROM users WHERE id = \(bind: userID)").first()?
                .optionalString("password_hash")
        }
    }

    static func user(from row: any SQLRow) throws -> User {
        User(id: try row.string("id"), name: try row.string("name"), email: try row.string("email"),
             createdAt: try row.date("created_at"), firstName: try row.optionalString("first_name"),
             lastName: try row.optionalString("last_name"), isEnabled: try row.bool("enabled"),
             isAdministrator: try row.bool("administrator"))
    }

    public func addMember(userID: String, workspaceID: String, role: WorkspaceRole) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO memberships (workspace_id, user_id, role) VALUES (\(bind: workspaceID), \(bind: userID), \(bind: role.rawValue))
                ON CONFLICT (workspace_id, user_id) DO NOTHING
                """).run()
        }
    }

    public func removeMember(userID: String, workspaceID: String) async throws -> Int {
        try await withDatabase { db in
            try await db.raw("""
                DELETE FROM memberships WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)
                RETURNING user_id
                """).all().count
        }
    }

    public func membership(userID: String, workspaceID: String) async throws -> Membership? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM memberships WHERE workspace_id = \(bind: workspaceID) AND user_id = \(bind: userID)
                """).first().map(Self.membership(from:))
        }
    }

    public func members(workspaceID: String) async throws -> [Membership] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM memberships WHERE workspace_id = \(bind: workspaceID)
                ORDER BY CASE role WHEN 'owner' THEN 0 ELSE 1 END, user_id
                """).all().map(Self.membership(from:))
        }
    }

    public func memberships(userID: String) async throws -> [Membership] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM memberships WHERE user_id = \(bind: userID) ORDER BY workspace_id").all()
                .map(Self.membership(from:))
        }
    }

    /// Roles written before migration 10 were translated by it; an unknown one reads as the
    /// least privileged.
    static func membership(from row: any SQLRow) throws -> Membership {
        Membership(workspaceID: try row.string("workspace_id"), userID: try row.string("user_id"),
                   role: WorkspaceRole(rawValue: try row.string("role")) ?? .collaborator)
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

    public func createSessionToken(_ token: SessionToken) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO session_tokens (secret_hash, session_id, user_id, client_id, long_lived, created_at, expires_at, revoked)
                VALUES (\(bind: token.secretHash), \(bind: token.sessionID), \(bind: token.userID), \(bind: token.clientID),
                        \(bind: token.isLongLived ? 1 : 0), \(bind: token.createdAt.timeIntervalSince1970),
                        \(bind: token.expiresAt.timeIntervalSince1970), \(bind: token.revoked ? 1 : 0))
                """).run()
        }
    }

    public func sessionToken(secretHash: String) async throws -> SessionToken? {
        try await withDatabase { db in
            guard let row = try await db.raw("SELECT * FROM session_tokens WHERE secret_hash = \(bind: secretHash)").first()
            else { return nil }
            return SessionToken(
                secretHash: try row.string("secret_hash"), sessionID: try row.string("session_id"),
                userID: try row.string("user_id"), clientID: try row.string("client_id"),
                isLongLived: try row.bool("long_lived"), createdAt: try row.date("created_at"),
                expiresAt: try row.date("expires_at"), revoked: try row.bool("revoked"))
        }
    }

    public func revokeSession(id: String) async throws {
        try await withDatabase { db in
            try await db.raw("UPDATE session_tokens SET revoked = 1 WHERE session_id = \(bind: id)").run()
        }
    }
}
