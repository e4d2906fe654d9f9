import Foundation

/// A model registry on another server (a tracking server, or Slipway itself) that
/// workspaces browse and import models from: its URL and, sealed, the token to call it with.
/// It is created in one workspace and attached to any number (the creating one first).
public struct ModelRegistryConnection: Sendable, Equatable {
    public var id: String
    public var name: String
    /// `http` or `https`, no credentials in it.
    public var url: URL
    /// The token, sealed with the server's secret key (`SecretSealer`); nil when the registry
    /// needs none. Never shown in clear: see ``maskedToken(_:)``.
    public var sealedToken: String?
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The workspaces it is attached to, sorted.
    public var workspaceIDs: [String]

    public init(id: String, name: String, url: URL, sealedToken: String?, createdBy: String, createdAt: Date,
                updatedAt: Date, workspaceIDs: [String]) {
        self.id = id
        self.name = name
        self.url = url
        self.sealedToken = sealedToken
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.workspaceIDs = Array(Set(workspaceIDs)).sorted()
    }

    /// What listings show of a token: its last four characters after asterisks, or only
    /// asterisks when it is too short for four characters to be safe to show.
    public static func maskedToken(_ token: String) -> String {
        token.count >= 12 ? "****" + token.suffix(4) : "****"
    }

    /// Largest name and URL accepted.
    public static let maximumNameBytes = 255
    public static let maximumURLBytes = 2048
}
