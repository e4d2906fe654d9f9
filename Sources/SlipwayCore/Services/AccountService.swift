import Crypto
import Foundation

/// Users, workspaces and credentials. Secrets are returned once and stored as SHA-256.
public struct AccountService: Sendable {
    let store: any IdentityStore
    let now: @Sendable () -> Date

    public init(store: any IdentityStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    public static let defaultWorkspaceName = "default"
    public static let adminUserName = "admin"

    public static func hash(_ secret: String) -> String {
        var hasher = SHA256()
        var text = secret
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return Hex.encode(hasher.finalize())
    }

    /// Creates the default workspace and the admin user with a user token on first start.
    /// Returns the token when one was created.
    public func bootstrap(adminToken: String?) async throws -> String? {
        if try await store.workspace(named: Self.defaultWorkspaceName) != nil { return nil }
        let workspace = try await createWorkspace(named: Self.defaultWorkspaceName)
        let admin = User(id: UUID().uuidString.lowercased(), name: Self.adminUserName, email: "admin@localhost",
                         createdAt: now())
        try await store.createUser(admin)
        try await store.addMember(userID: admin.id, workspaceID: workspace.id, role: "admin")
        return try await issueUserToken(userID: admin.id, workspaceID: workspace.id, secret: adminToken)
    }

    public func createWorkspace(named name: String) async throws -> Workspace {
        try NameRules.validateResourceName(name, kind: "workspace")
        guard try await store.workspace(named: name) == nil else {
            throw SlipwayError.conflict("workspace '\(name)' already exists")
        }
        let workspace = Workspace(id: UUID().uuidString.lowercased(), name: name, createdAt: now())
        try await store.createWorkspace(workspace)
        return workspace
    }

    public func createUser(name: String, email: String, workspaceID: String) async throws -> User {
        try NameRules.validateResourceName(name, kind: "user")
        guard email.contains("@"), email.count <= 254, !email.contains(" ") else {
            throw SlipwayError.badRequest("email '\(NameRules.printable(email))' is not valid")
        }
        guard try await store.user(named: name) == nil else { throw SlipwayError.conflict("user '\(name)' already exists") }
        let user = User(id: UUID().uuidString.lowercased(), name: name, email: email, createdAt: now())
        try await store.createUser(user)
        try await store.addMember(userID: user.id, workspaceID: workspaceID, role: "member")
        return user
    }

    /// A member of the workspace, or nil (for another workspace's users too).
    public func member(userID: String, workspaceID: String) async throws -> User? {
        guard try await store.isMember(userID: userID, workspaceID: workspaceID) else { return nil }
        return try await store.user(id: userID)
    }

    public func user(id: String) async throws -> User? {
        try await store.user(id: id)
    }

    /// A new user token for a member of the workspace (`secret` lets scripts choose it).
    public func issueUserToken(userID: String, workspaceID: String, secret: String? = nil) async throws -> String {
        let value = secret ?? SecretTokens.make(prefix: "swk_")
        guard value.count >= 16 else { throw SlipwayError.badRequest("a user token must be at least 16 characters") }
        try await store.addMember(userID: userID, workspaceID: workspaceID, role: "member")
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: .user, userID: userID, workspaceID: workspaceID, executionID: nil,
            secretHash: Self.hash(value), createdAt: now(), expiresAt: nil))
        return value
    }

    /// A token valid only while `execution` runs, for the code of the execution to call back.
    public func issueExecutionToken(for execution: Execution, lifetime: Duration) async throws -> String {
        let value = SecretTokens.make(prefix: "swx_")
        let expiry = now().addingTimeInterval(TimeInterval(lifetime.components.seconds) + 60)
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: .execution, userID: execution.createdBy,
            workspaceID: execution.workspaceID, executionID: execution.id, secretHash: Self.hash(value),
            createdAt: now(), expiresAt: expiry))
        return value
    }

    /// A token for the resident worker of a low-latency deployment; revoked when the worker stops.
    public func issueDeploymentToken(for deployment: Deployment) async throws -> String {
        let value = SecretTokens.make(prefix: "swd_")
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: .deployment, userID: deployment.createdBy,
            workspaceID: deployment.workspaceID, executionID: deployment.id, secretHash: Self.hash(value),
            createdAt: now(), expiresAt: nil))
        return value
    }

    /// Resolves a long-lived (user, execution or deployment) token; unknown, revoked or expired ones are refused.
    public func authenticate(refreshToken: String) async throws -> Principal {
        guard !refreshToken.isEmpty, refreshToken.utf8.count <= 512,
              let record = try await store.token(secretHash: Self.hash(refreshToken)),
              !record.revoked
        else { throw SlipwayError.unauthorized("the token is not valid") }
        if let expiry = record.expiresAt, expiry < now() {
            throw SlipwayError.unauthorized("the token has expired")
        }
        return Principal(userID: record.userID, workspaceID: record.workspaceID, kind: record.kind,
                         executionID: record.executionID)
    }
}
