import Foundation

/// The isolation unit: everything a user creates belongs to exactly one workspace.
public struct Workspace: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }
}

public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var email: String
    public var createdAt: Date

    public init(id: String, name: String, email: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.email = email
        self.createdAt = createdAt
    }
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
