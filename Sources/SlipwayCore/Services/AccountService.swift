import Crypto
import Foundation

/// Users, workspaces and credentials. Token secrets are returned once and stored as SHA-256;
/// passwords are stored as slow salted hashes (`PasswordHasher`).
public struct AccountService: Sendable {
    let store: any MetadataStore
    let passwords: PasswordHasher
    let now: @Sendable () -> Date

    public init(store: any MetadataStore, passwords: PasswordHasher = .standard,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.passwords = passwords
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
        let admin = User(id: UUID().uuidString.lowercased(), name: Self.adminUserName, email: "admin@localhost",
                         createdAt: now(), isAdministrator: true)
        try await store.createUser(admin)
        let workspace = try await createWorkspace(named: Self.defaultWorkspaceName, ownerID: admin.id)
        return try await issueUserToken(userID: admin.id, workspaceID: workspace.id, secret: adminToken)
    }

    /// A new workspace; `ownerID`, when given, becomes its owner.
    public func createWorkspace(named name: String, ownerID: String? = nil) async throws -> Workspace {
        try NameRules.validateResourceName(name, kind: "workspace")
        guard try await store.workspace(named: name) == nil else {
            throw SlipwayError.conflict("workspace '\(name)' already exists")
        }
        let workspace = try await store.createWorkspace(Workspace(
            id: UUID().uuidString.lowercased(), name: name, createdAt: now(), createdBy: ownerID))
        if let ownerID { try await store.addMember(userID: ownerID, workspaceID: workspace.id, role: .owner) }
        return workspace
    }

    /// A new user, collaborator of a workspace; with a password they can sign in with it.
    public func createUser(name: String, email: String, workspaceID: String?, password: String? = nil,
                           firstName: String? = nil, lastName: String? = nil) async throws -> User {
        try NameRules.validateResourceName(name, kind: "user")
        try Self.validateEmail(email)
        if let password { try Self.validatePassword(password) }
        for (label, value) in [("first name", firstName), ("last name", lastName)] {
            if let value, !NameRules.isPrintableLabel(value, maximumBytes: 255) {
                throw SlipwayError.badRequest("\(label) must be 1 to 255 characters without control characters")
            }
        }
        guard try await store.user(named: name) == nil else { throw SlipwayError.conflict("user '\(name)' already exists") }
        guard try await store.user(email: email) == nil else {
            throw SlipwayError.conflict("a user with email '\(NameRules.printable(email))' already exists")
        }
        let hash = try password.map { try passwords.hash($0) }
        let user = User(id: UUID().uuidString.lowercased(), name: name, email: email, createdAt: now(),
                        firstName: firstName, lastName: lastName)
        try await store.createUser(user)
        if let hash { try await store.setPasswordHash(userID: user.id, hash: hash) }
        if let workspaceID { try await store.addMember(userID: user.id, workspaceID: workspaceID, role: .collaborator) }
        return user
    }

    /// An address with one `@`, text on both sides, no spaces or control characters, at most 254 bytes.
    static func validateEmail(_ email: String) throws(SlipwayError) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, email.utf8.count <= 254,
              !email.unicodeScalars.contains(where: { $0 == " " || $0.properties.generalCategory == .control })
        else { throw .badRequest("email '\(NameRules.printable(email))' is not valid") }
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
        try await store.addMember(userID: userID, workspaceID: workspaceID, role: .collaborator)
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: .user, userID: userID, workspaceID: workspaceID, executionID: nil,
            secretHash: Self.hash(value), createdAt: now(), expiresAt: nil))
        return value
    }

    /// A new ingestion-only key for a member of the workspace: it sends inferences and ground
    /// truth of the workspace's monitored models, and nothing else.
    public func issueIngestionToken(userID: String, workspaceID: String) async throws -> String {
        guard try await store.isMember(userID: userID, workspaceID: workspaceID) else {
            throw SlipwayError.forbidden("the user is not a member of the workspace")
        }
        let value = SecretTokens.make(prefix: "swi_")
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: .ingestion, userID: userID, workspaceID: workspaceID, executionID: nil,
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

    /// A token valid only while the job run runs (at most `lifetime`), for its program to call
    /// the API as the job's owner; revoked when the run ends.
    public func issueJobRunToken(for run: JobRun, userID: String, lifetime: Duration) async throws -> String {
        try await issueProgramToken(.jobRun, runID: run.id, workspaceID: run.workspaceID, userID: userID, lifetime: lifetime)
    }

    /// A token of the program run `runID` (a job run, a workflow step), valid at most
    /// `lifetime`, for the program to call the API of `workspaceID` as `userID`; revoke it
    /// (`revokeTokens(executionID: runID)`) when the run ends.
    public func issueProgramToken(_ kind: TokenKind, runID: String, workspaceID: String, userID: String,
                                  lifetime: Duration) async throws -> String {
        let value = SecretTokens.make(prefix: "swj_")
        try await store.createToken(TokenRecord(
            id: UUID().uuidString.lowercased(), kind: kind, userID: userID, workspaceID: workspaceID, executionID: runID,
            secretHash: Self.hash(value), createdAt: now(),
            expiresAt: now().addingTimeInterval(TimeInterval(lifetime.components.seconds) + 60)))
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
    /// Ingestion-only keys are refused (403) unless `allowingIngestion` (only the ingestion API passes it); tokens of
    /// job runs and workflow steps (programs Slipway runs) unless `allowingJobRuns`.
    public func authenticate(refreshToken: String, allowingIngestion: Bool = false,
                             allowingJobRuns: Bool = false) async throws -> Principal {
        guard !refreshToken.isEmpty, refreshToken.utf8.count <= 512,
              let record = try await store.token(secretHash: Self.hash(refreshToken)),
              !record.revoked
        else { throw SlipwayError.unauthorized("the token is not valid") }
        if let expiry = record.expiresAt, expiry < now() {
            throw SlipwayError.unauthorized("the token has expired")
        }
        // A disabled user's own tokens are refused (their executions' and deployments' tokens,
        // which run work already accepted, are not).
        // An execution's token is valid while its execution runs (it is also revoked afterwards).
        if record.kind == .execution {
            guard let id = record.executionID,
                  let execution = try await store.execution(workspaceID: record.workspaceID, id: id),
                  !execution.status.isFinal
            else { throw SlipwayError.unauthorized("the token is not valid") }
        }
        if record.kind == .jobRun {
            guard allowingJobRuns, let id = record.executionID, let run = try await store.jobRun(id: id), run.status == .running else {
                throw SlipwayError.unauthorized("the token is not valid")
            }
        }
        if record.kind == .workflowStep, !allowingJobRuns { throw SlipwayError.unauthorized("the token is not valid") }
        if record.kind == .ingestion, !allowingIngestion {
            throw SlipwayError.forbidden("this key may only send inferences and ground truth")
        }
        if [.user, .ingestion, .jobRun, .workflowStep].contains(record.kind),
           try await store.user(id: record.userID)?.isEnabled != true {
            throw SlipwayError(.unauthorized, "the account is disabled", code: .accountDisabled)
        }
        return Principal(userID: record.userID, workspaceID: record.workspaceID, kind: record.kind,
                         executionID: record.executionID)
    }
}
