import Foundation
import SQLKit
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// The sign-in part of the identity contract (schema 10), on every backend: passwords,
/// enabled flags, emails without case, numbered workspaces, member roles, session tokens.
@Suite("Identity store contract")
struct IdentityContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000.25)

    @Test(arguments: StoreBackendKind.available)
    func usersKeepTheirNewFields(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let alice = User(id: "u1", name: "alice", email: "Alice@Example.com", createdAt: t0, firstName: "Alice",
                             lastName: "Liddell", isEnabled: true, isAdministrator: true)
            let bob = User(id: "u2", name: "bob", email: "bob@example.com", createdAt: t0.addingTimeInterval(1))
            try await store.createUser(alice)
            try await store.createUser(bob)
            #expect(try await store.user(id: "u1") == alice)
            #expect(try await store.user(email: "alice@example.COM") == alice)
            #expect(try await store.user(email: "nobody@example.com") == nil)
            #expect(try await store.listUsers() == [alice, bob])

            #expect(try await store.passwordHash(userID: "u1") == nil)
            try await store.setPasswordHash(userID: "u1", hash: "scrypt$4$1$1$AAAA$BBBB")
            #expect(try await store.passwordHash(userID: "u1") == "scrypt$4$1$1$AAAA$BBBB")
            #expect(try await store.passwordHash(userID: "u2") == nil)

            #expect(try await store.setUserEnabled(id: "u2", enabled: false))
            #expect(try await store.user(id: "u2")?.isEnabled == false)
            #expect(try await store.setUserEnabled(id: "u2", enabled: true))
            #expect(try await store.user(id: "u2")?.isEnabled == true)
            #expect(try await store.setUserEnabled(id: "nobody", enabled: false) == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func workspacesAreNumberedOneByOne(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = try await store.createWorkspace(Workspace(id: "w1", name: "default", createdAt: t0, createdBy: "u1"))
            let second = try await store.createWorkspace(Workspace(id: "w2", name: "second", createdAt: t0))
            #expect(first.number == 1)
            #expect(second.number == 2)
            #expect(try await store.workspace(number: 2) == second)
            #expect(try await store.workspace(number: 3) == nil)
            #expect(try await store.workspace(id: "w1") == first)
            #expect(first.createdBy == "u1" && !first.isArchived)
            #expect(try await store.listWorkspaces().map(\.number) == [1, 2])
            await #expect(throws: (any Error).self) {
                try await store.createWorkspace(Workspace(id: "w3", name: "second", createdAt: t0))
            }
            #expect(try await store.listWorkspaces().count == 2, "a refused insert stores nothing")
            #expect(try await store.createWorkspace(Workspace(id: "w3", name: "third", createdAt: t0)).number == 3)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func concurrentWorkspaceCreationsGetDistinctNumbers(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let t0 = t0
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.createWorkspace(Workspace(id: "w\(index)", name: "ws-\(index)", createdAt: t0)).number
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...8))
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func membershipsHaveRoles(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.addMember(userID: "u2", workspaceID: "w1", role: .collaborator)
            try await store.addMember(userID: "u1", workspaceID: "w1", role: .owner)
            try await store.addMember(userID: "u1", workspaceID: "w2", role: .collaborator)
            // A second add keeps the first role.
            try await store.addMember(userID: "u2", workspaceID: "w1", role: .owner)
            #expect(try await store.membership(userID: "u2", workspaceID: "w1")?.role == .collaborator)
            #expect(try await store.members(workspaceID: "w1") == [
                Membership(workspaceID: "w1", userID: "u1", role: .owner),
                Membership(workspaceID: "w1", userID: "u2", role: .collaborator),
            ])
            #expect(try await store.memberships(userID: "u1").map(\.workspaceID) == ["w1", "w2"])
            #expect(try await store.removeMember(userID: "u2", workspaceID: "w1") == 1)
            #expect(try await store.removeMember(userID: "u2", workspaceID: "w1") == 0)
            #expect(try await store.membership(userID: "u2", workspaceID: "w1") == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func sessionTokensAreFoundByHashAndRevokedBySession(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = SessionToken(secretHash: "h1", sessionID: "s1", userID: "u1", clientID: "api-client",
                                     isLongLived: false, createdAt: t0, expiresAt: t0.addingTimeInterval(3600))
            let second = SessionToken(secretHash: "h2", sessionID: "s1", userID: "u1", clientID: "api-client",
                                      isLongLived: true, createdAt: t0, expiresAt: t0.addingTimeInterval(7200))
            let other = SessionToken(secretHash: "h3", sessionID: "s2", userID: "u1", clientID: "sdk-client",
                                     isLongLived: false, createdAt: t0, expiresAt: t0.addingTimeInterval(3600))
            for token in [first, second, other] { try await store.createSessionToken(token) }
            #expect(try await store.sessionToken(secretHash: "h2") == second)
            #expect(try await store.sessionToken(secretHash: "nope") == nil)
            await #expect(throws: (any Error).self) { try await store.createSessionToken(first) }
            try await store.revokeSession(id: "s1")
            #expect(try await store.sessionToken(secretHash: "h1")?.revoked == true)
            #expect(try await store.sessionToken(secretHash: "h2")?.revoked == true)
            #expect(try await store.sessionToken(secretHash: "h3")?.revoked == false)
        }
    }

    /// A schema-9 database (users without passwords, workspaces without numbers, `admin`/`member`
    /// roles) migrates: numbers in creation order, the admin becomes administrator and creator of
    /// the workspaces, roles become `owner`/`collaborator`.
    @Test(arguments: StoreBackendKind.available)
    func migrationTenUpgradesASchemaNineDatabase(_ backend: StoreBackendKind) async throws {
        let temp = try await TestDatabase.create(backend)
        let store = try await temp.open()
        try await store.withDatabase { db in
            for statement in [
                "DROP TABLE session_tokens", "DROP INDEX memberships_user", "DROP INDEX workspaces_number",
                "DROP INDEX users_email",
                "ALTER TABLE users DROP COLUMN password_hash", "ALTER TABLE users DROP COLUMN enabled",
                "ALTER TABLE users DROP COLUMN administrator", "ALTER TABLE users DROP COLUMN first_name",
                "ALTER TABLE users DROP COLUMN last_name", "ALTER TABLE workspaces DROP COLUMN number",
                "ALTER TABLE workspaces DROP COLUMN created_by", "ALTER TABLE workspaces DROP COLUMN archived",
                "DELETE FROM schema_migrations WHERE version = 10",
                "INSERT INTO users (id, name, email, created_at) VALUES ('u-admin', 'admin', 'admin@localhost', 1000)",
                "INSERT INTO users (id, name, email, created_at) VALUES ('u-bob', 'bob', 'bob@example.com', 1001)",
                "INSERT INTO workspaces (id, name, created_at) VALUES ('w-team', 'team', 1005)",
                "INSERT INTO workspaces (id, name, created_at) VALUES ('w-default', 'default', 1000)",
                "INSERT INTO workspaces (id, name, created_at) VALUES ('w-early', 'early', 1002)",
                "INSERT INTO memberships (workspace_id, user_id, role) VALUES ('w-default', 'u-admin', 'admin')",
                "INSERT INTO memberships (workspace_id, user_id, role) VALUES ('w-default', 'u-bob', 'member')",
            ] {
                try await db.raw(SQLQueryString(statement)).run()
            }
        }
        await store.close()

        let migrated = try await temp.open()
        #expect(try await migrated.schemaVersion() == Migrations.all.map(\.version).max())
        #expect(try await migrated.listWorkspaces().map(\.name) == ["default", "early", "team"])
        #expect(try await migrated.listWorkspaces().map(\.number) == [1, 2, 3])
        #expect(try await migrated.workspace(named: "team")?.createdBy == "u-admin")
        #expect(try await migrated.user(named: "admin")?.isAdministrator == true)
        #expect(try await migrated.user(named: "bob")?.isAdministrator == false)
        #expect(try await migrated.user(named: "bob")?.isEnabled == true)
        #expect(try await migrated.membership(userID: "u-admin", workspaceID: "w-default")?.role == .owner)
        #expect(try await migrated.membership(userID: "u-bob", workspaceID: "w-default")?.role == .collaborator)
        #expect(try await migrated.createWorkspace(Workspace(id: "w-new", name: "new", createdAt: t0)).number == 4)
        await migrated.close()
        await temp.remove()
    }
}
