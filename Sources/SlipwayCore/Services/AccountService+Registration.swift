import Foundation

/// Self-registration: anyone may create an account with an email and a password (8 characters
/// or more); the account gets a workspace of its own (owned by it, named after it) and joins no
/// other, so a self-registered user sees nothing of anyone else's until an owner adds them.
extension AccountService {
    public struct Registration: Sendable {
        public var user: User
        public var workspace: Workspace
    }

    /// Creates the user (name derived from the email) and their own workspace in one transaction.
    /// A taken email is a conflict.
    public func register(email: String, password: String, firstName: String?, lastName: String?) async throws -> Registration {
        try Self.validateEmail(email)
        try Self.validatePassword(password)
        guard password.count >= 8 else { throw SlipwayError.badRequest("a password must be at least 8 characters") }
        let hash = try passwords.hash(password)
        let clock = now
        return try await store.transaction { store in
            let accounts = AccountService(store: store, passwords: passwords, now: clock)
            guard try await store.user(email: email) == nil else {
                throw SlipwayError.conflict("a user with email '\(NameRules.printable(email))' already exists")
            }
            let name = try await accounts.freeUserName(derivedFrom: email)
            let user = try await accounts.createUser(name: name, email: email, workspaceID: nil, firstName: firstName,
                                                     lastName: lastName)
            try await store.setPasswordHash(userID: user.id, hash: hash)
            var workspaceName = name
            var suffix = 1
            while try await store.workspace(named: workspaceName) != nil {
                suffix += 1
                workspaceName = String(name.prefix(56)) + "-\(suffix)"
            }
            let workspace = try await accounts.createWorkspace(named: workspaceName, ownerID: user.id)
            return Registration(user: user, workspace: workspace)
        }
    }

    /// The workspace a user's tokens act in unless they name one: the first workspace they own,
    /// else the first they are a member of (by workspace number).
    public func homeWorkspace(of user: User) async throws -> Workspace? {
        let memberships = try await store.memberships(userID: user.id)
        var candidates: [(Workspace, Membership)] = []
        for membership in memberships {
            if let workspace = try await store.workspace(id: membership.workspaceID), !workspace.isArchived {
                candidates.append((workspace, membership))
            }
        }
        candidates.sort { $0.0.number < $1.0.number }
        return (candidates.first { $0.1.role == .owner } ?? candidates.first)?.0
    }

    /// The workspaces a user is a member of.
    public func workspaceIDs(of userID: String) async throws -> [String] {
        try await store.memberships(userID: userID).map(\.workspaceID)
    }
}

extension AccountService {
    /// The workspace with this id, if any (who may act in it is the caller's check).
    public func workspace(id: String) async throws -> Workspace? {
        try await store.workspace(id: id)
    }
}
