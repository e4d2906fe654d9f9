import Foundation

/// What the catalog keeps about a user beyond the account: the role they gave at registration.
public struct CatalogUserProfile: Sendable, Equatable, Codable {
    public var userID: String
    public var role: String?

    public init(userID: String, role: String?) {
        self.userID = userID
        self.role = role
    }
}
