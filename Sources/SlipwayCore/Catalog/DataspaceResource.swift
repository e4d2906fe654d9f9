import Foundation

/// A catalog asset prepared for sharing through a connector; once registered it carries the
/// offer's title, description, keywords and catalog, and the resource description made then.
public struct DataspaceResource: Sendable, Equatable, Codable {
    public struct Registration: Sendable, Equatable, Codable {
        public var title: String
        public var description: String?
        public var keywords: [String]
        public var catalogID: String?
        public var registeredAt: Date
        /// The resource description (JSON-LD) as made at registration.
        public var document: JSONValue

        public init(title: String, description: String?, keywords: [String], catalogID: String?, registeredAt: Date,
                    document: JSONValue) {
            self.title = title
            self.description = description
            self.keywords = keywords
            self.catalogID = catalogID
            self.registeredAt = registeredAt
            self.document = document
        }
    }

    /// 64 hexadecimal digits.
    public var id: String
    public var workspaceID: String
    public var assetID: String
    public var connectorID: String
    public var kind: CatalogAssetKind
    /// The creator's own timestamp text, kept as given (ISO 8601).
    public var timestamp: String?
    public var registration: Registration?
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, workspaceID: String, assetID: String, connectorID: String, kind: CatalogAssetKind,
                timestamp: String? = nil, registration: Registration? = nil, createdAt: Date, createdBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.assetID = assetID
        self.connectorID = connectorID
        self.kind = kind
        self.timestamp = timestamp
        self.registration = registration
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
