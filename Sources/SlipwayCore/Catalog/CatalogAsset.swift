import Foundation

/// One entry of the ML asset catalog of a workspace: a model, data set or federated training
/// with its metadata and, once generated, its semantic description. Its id is a 64-hex
/// SHA-256 digest; only members of its workspace see it.
public struct CatalogAsset: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var kind: CatalogAssetKind
    public var name: String
    /// Free text (`1.0`), empty when not given; (kind, name, version) is unique in a workspace.
    public var version: String
    public var description: String?
    /// Where the asset's files live in a tracking store (a model path such as
    /// `runs:/<run>/model`; see `TrackedModelReference`).
    public var modelPath: String?
    /// The tracking server the model path is resolved on; nil: this server's own tracking.
    public var trackingURI: String?
    /// Further metadata given by the creator (a JSON object: algorithm, datasets, keywords…).
    public var metadata: [String: JSONValue]
    public var semantics: SemanticDescription?
    /// The manual changes made to the description, applied again whenever it is regenerated
    /// from changed metadata (the recorded form of `SemanticChanges`).
    public var semanticChanges: JSONValue?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, kind: CatalogAssetKind, name: String, version: String = "",
                description: String? = nil, modelPath: String? = nil, trackingURI: String? = nil,
                metadata: [String: JSONValue] = [:], semantics: SemanticDescription? = nil,
                semanticChanges: JSONValue? = nil, createdAt: Date,
                createdBy: String, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.name = name
        self.version = version
        self.description = description
        self.modelPath = modelPath
        self.trackingURI = trackingURI
        self.metadata = metadata
        self.semantics = semantics
        self.semanticChanges = semanticChanges
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
    }
}
