import Foundation

extension AccountService {
    /// How long a session's refresh token lives: a normal sign-in for a working day, a
    /// long-lived ("offline") one for 30 days.
    public static let sessionTokenLifetime: TimeInterval = 10 * 3600
    public static let longLivedSessionTokenLifetime: TimeInterval = 30 * 86400

    /// Signs a user in with their name or email and password, through `clientID`, opening a new
    /// session. Every failure says only "invalid user credentials" (and takes as long), except
    /// that a disabled account, once its password matched, is named as such.
    public func signIn(login: String, password: String, clientID: String, longLived: Bool) async throws -> SignedInSession {
        let user = try await verifyPassword(login: login, password: password)
        return try await openSessionToken(user: user, sessionID: UUID().uuidString.lowercased(), clientID: clientID,
                                          longLived: longLived)
    }

    /// A new refresh token for the session `refreshToken` belongs to (same session id), for
    /// the client it was issued to; refused when unknown, revoked, expired, for another client,
    /// or when its user is gone or disabled.
    public func refreshSession(refreshToken: String, clientID: String) async throws -> SignedInSession {
        let invalid = SlipwayError(.unauthorized, "the refresh token is not valid", code: .invalidCredentials)
        guard !refreshToken.isEmpty, refreshToken.utf8.count <= 512,
              let record = try await store.sessionToken(secretHash: Self.hash(refreshToken)),
              !record.revoked, record.clientID == clientID
        else { throw invalid }
        guard record.expiresAt > now() else {
            throw SlipwayError(.unauthorized, "the refresh token has expired", code: .invalidCredentials)
        }
        guard let user = try await store.user(id: record.userID) else { throw invalid }
        guard user.isEnabled else { throw SlipwayError(.unauthorized, "the account is disabled", code: .accountDisabled) }
        return try await openSessionToken(user: user, sessionID: record.sessionID, clientID: clientID,
                                          longLived: record.isLongLived)
    }

    /// Ends the session `refreshToken` belongs to: none of its refresh tokens works any more.
    /// An unknown token is ignored (signing out twice is not an error).
    public func signOut(refreshToken: String, clientID: String) async throws {
        guard refreshToken.utf8.count <= 512,
              let record = try await store.sessionToken(secretHash: Self.hash(refreshToken)),
              record.clientID == clientID else { return }
        try await store.revokeSession(id: record.sessionID)
    }

    /// The user of the live session `refreshToken` belongs to, without issuing anything (a
    /// browser session cookie checked on every request): nil when the token is unknown,
    /// revoked (signed out), expired, for another client, or its user is gone or disabled.
    public func sessionUser(refreshToken: String, clientID: String) async throws -> (user: User, sessionID: String)? {
        guard !refreshToken.isEmpty, refreshToken.utf8.count <= 512,
              let record = try await store.sessionToken(secretHash: Self.hash(refreshToken)),
              !record.revoked, record.clientID == clientID, record.expiresAt > now(),
              let user = try await store.user(id: record.userID), user.isEnabled else { return nil }
        return (user, record.sessionID)
    }

    /// The user an access token names, who must still exist and be enabled.
    public func activeUser(id: String) async throws -> User {
        guard let user = try await store.user(id: id) else { throw SlipwayError.unauthorized("the access token is not valid") }
        guard user.isEnabled else { throw SlipwayError(.unauthorized, "the account is disabled", code: .accountDisabled) }
        return user
    }

    private func openSessionToken(user: User, sessionID: String, clientID: String,
                                  longLived: Bool) async throws -> SignedInSession {
        let secret = SecretTokens.make(prefix: "swr_")
        let created = now()
        let expires = created.addingTimeInterval(longLived ? Self.longLivedSessionTokenLifetime : Self.sessionTokenLifetime)
        try await store.createSessionToken(SessionToken(
            secretHash: Self.hash(secret), sessionID: sessionID, userID: user.id, clientID: clientID,
            isLongLived: longLived, createdAt: created, expiresAt: expires))
        return SignedInSession(user: user, sessionID: sessionID, clientID: clientID, refreshToken: secret,
                               refreshExpiresAt: expires)
    }
}

extension AccountService {
    /// The enabled user whose name or email and password these are, without opening a session
    /// (HTTP Basic credentials sent with every call). Fails as `signIn` does.
    public func verifyPassword(login: String, password: String) async throws -> User {
        try await verifiedPassword(login: login, password: password).user
    }

    /// `verifyPassword`, also answering the stored hash the password matched, so a caller that
    /// remembers the verification can later check the password has not changed since
    /// (`user(id:passwordHash:)`) without hashing it again.
    public func verifiedPassword(login: String, password: String) async throws -> (user: User, passwordHash: String) {
        let invalid = SlipwayError(.unauthorized, "invalid user credentials", code: .invalidCredentials)
        guard !login.isEmpty, login.utf8.count <= 320, !password.isEmpty,
              password.utf8.count <= PasswordHasher.maxPasswordBytes else {
            passwords.verifyNothing(password)
            throw invalid
        }
        let found = login.contains("@") ? try await store.user(email: login) : try await store.user(named: login)
        guard let user = found, let stored = try await store.passwordHash(userID: user.id) else {
            passwords.verifyNothing(password)
            throw invalid
        }
        guard passwords.verify(password, against: stored) else { throw invalid }
        guard user.isEnabled else { throw SlipwayError(.unauthorized, "the account is disabled", code: .accountDisabled) }
        return (user, stored)
    }

    /// The user whose password was verified earlier against `passwordHash`, while the account
    /// is enabled and its password unchanged; nil otherwise (the caller verifies afresh).
    public func user(id: String, passwordHash: String) async throws -> User? {
        guard let user = try await store.user(id: id), user.isEnabled,
              try await store.passwordHash(userID: id) == passwordHash else { return nil }
        return user
    }
}
