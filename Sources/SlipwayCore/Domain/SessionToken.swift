import Foundation

/// A refresh credential of a signed-in session: a user signed in with their password through a
/// client, and may get new access tokens with this until it expires or is revoked. Each refresh
/// adds a token to the same session (earlier ones stay valid until they expire), so a session
/// keeps its id for as long as it is refreshed. Only the SHA-256 of the secret is kept.
public struct SessionToken: Sendable, Equatable {
    public var secretHash: String
    public var sessionID: String
    public var userID: String
    /// The client application the user signed in through.
    public var clientID: String
    /// Asked for a long-lived ("offline") session: the token lives for days, not hours.
    public var isLongLived: Bool
    public var createdAt: Date
    public var expiresAt: Date
    public var revoked: Bool

    public init(secretHash: String, sessionID: String, userID: String, clientID: String, isLongLived: Bool,
                createdAt: Date, expiresAt: Date, revoked: Bool = false) {
        self.secretHash = secretHash
        self.sessionID = sessionID
        self.userID = userID
        self.clientID = clientID
        self.isLongLived = isLongLived
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revoked = revoked
    }
}
