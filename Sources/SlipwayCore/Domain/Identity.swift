import Foundation

/// The isolation unit: everything a user creates belongs to exactly one workspace.
public struct Workspace: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date
    /// A small integer, unique and growing by one per workspace created (assigned by the store),
    /// for clients that name workspaces by number.
    public var number: Int
    /// The user who created it (nil for workspaces created before this was recorded).
    public var createdBy: String?
    public var isArchived: Bool
    /// Whether the programs of its workflow steps may open network connections beyond Slipway's
    /// own API (on by default: steps push data to other platforms).
    public var allowsOutboundNetwork: Bool

    public init(id: String, name: String, createdAt: Date, number: Int = 0, createdBy: String? = nil,
                isArchived: Bool = false, allowsOutboundNetwork: Bool = true) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.number = number
        self.createdBy = createdBy
        self.isArchived = isArchived
        self.allowsOutboundNetwork = allowsOutboundNetwork
    }
}

/// A person. `name` follows the resource naming rule; `email` is unique (compared without
/// case) so that either may be used to sign in. The password is not part of this value: it is
/// stored as a slow hash and only ever read to check a sign-in.
public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var email: String
    public var createdAt: Date
    public var firstName: String?
    public var lastName: String?
    /// A disabled user can neither sign in nor exchange any of their long-lived tokens.
    public var isEnabled: Bool
    /// Administrators manage users (invite, enable, disable).
    public var isAdministrator: Bool

    public init(id: String, name: String, email: String, createdAt: Date, firstName: String? = nil,
                lastName: String? = nil, isEnabled: Bool = true, isAdministrator: Bool = false) {
        self.id = id
        self.name = name
        self.email = email
        self.createdAt = createdAt
        self.firstName = firstName
        self.lastName = lastName
        self.isEnabled = isEnabled
        self.isAdministrator = isAdministrator
    }

    /// The built-in administrator account made on first start.
    public var isBuiltInAdministrator: Bool { name == AccountService.adminUserName }
}

/// What a credential may do.
public enum TokenKind: String, Sendable, Codable {
    /// A user's own long-lived token: full access to its workspace.
    case user
    /// Issued to one running execution: metrics of that execution and the data store only.
    case execution
    /// Issued to the resident worker of a low-latency deployment (its `executionID` field holds the
    /// deployment id): metrics of that deployment's executions and the data store only.
    case deployment
    /// A user's key limited to sending inferences and ground truth of monitored models in its
    /// workspace (for forwarders such as capture-file relays); refused everywhere else.
    case ingestion = "ingest"
    /// Issued to one run of a job (its `executionID` field holds the run id): acts as the job's
    /// owner in the job's workspace while the run runs; accepted only where a dialect lets a
    /// job's program call its API.
    case jobRun = "job_run"
    /// Issued to one step of a file workflow (its `executionID` field holds the step's run id):
    /// acts as the pipeline's owner in its workspace until revoked when the step ends; accepted
    /// only where a dialect lets a step's program call its API.
    case workflowStep = "workflow_step"
}

/// A stored credential. Only the SHA-256 of the secret is kept.
public struct TokenRecord: Sendable, Equatable {
    public var id: String
    public var kind: TokenKind
    public var userID: String
    public var workspaceID: String
    public var executionID: String?
    public var secretHash: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revoked: Bool

    public init(id: String, kind: TokenKind, userID: String, workspaceID: String, executionID: String?,
                secretHash: String, createdAt: Date, expiresAt: Date?, revoked: Bool = false) {
        self.id = id
        self.kind = kind
        self.userID = userID
        self.workspaceID = workspaceID
        self.executionID = executionID
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}

/// The authenticated caller of a request, resolved from an access token.
public struct Principal: Sendable, Equatable {
    public var userID: String
    public var workspaceID: String
    public var kind: TokenKind
    public var executionID: String?

    public init(userID: String, workspaceID: String, kind: TokenKind, executionID: String? = nil) {
        self.userID = userID
        self.workspaceID = workspaceID
        self.kind = kind
        self.executionID = executionID
    }

    public var isExecution: Bool { kind != .user }
}
