import Foundation

/// A data-space connector (an IDS connector) that a workspace shares resources through. Its id
/// is the connector's own URI; `publicKey` is the connector's public key (not a secret).
public struct DataspaceConnector: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var name: String
    /// The connector's IDS class (`ids:BaseConnector`, `ids:TrustedConnector`…).
    public var type: String
    public var description: String?
    public var publicKey: String?
    public var accessURL: String?
    public var reverseProxyURL: String?
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, workspaceID: String, name: String, type: String, description: String? = nil,
                publicKey: String? = nil, accessURL: String? = nil, reverseProxyURL: String? = nil,
                createdAt: Date, createdBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.type = type
        self.description = description
        self.publicKey = publicKey
        self.accessURL = accessURL
        self.reverseProxyURL = reverseProxyURL
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
