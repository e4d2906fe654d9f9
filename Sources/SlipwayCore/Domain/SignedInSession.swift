import Foundation

/// The result of a sign-in or refresh: who, in which session, and the new refresh secret
/// (returned to the client once, stored only as a hash).
public struct SignedInSession: Sendable, Equatable {
    public var user: User
    public var sessionID: String
    public var clientID: String
    public var refreshToken: String
    public var refreshExpiresAt: Date

    public init(user: User, sessionID: String, clientID: String, refreshToken: String, refreshExpiresAt: Date) {
        self.user = user
        self.sessionID = sessionID
        self.clientID = clientID
        self.refreshToken = refreshToken
        self.refreshExpiresAt = refreshExpiresAt
    }
}
