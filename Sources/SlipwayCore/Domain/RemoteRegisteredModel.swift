import Foundation

/// A registered model as a remote registry lists it, with its latest versions when it says.
public struct RemoteRegisteredModel: Sendable, Equatable {
    public var name: String
    public var userID: String?
    public var description: String?
    public var createdAt: Date?
    public var updatedAt: Date?
    /// nil when the registry does not say (not the same as none).
    public var latestVersions: [RemoteModelVersion]?

    public init(name: String, userID: String? = nil, description: String? = nil, createdAt: Date? = nil,
                updatedAt: Date? = nil, latestVersions: [RemoteModelVersion]? = nil) {
        self.name = name
        self.userID = userID
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.latestVersions = latestVersions
    }
}

/// One version of a remote registered model.
public struct RemoteModelVersion: Sendable, Equatable {
    public var name: String
    /// As the registry spells it (`"1"`).
    public var version: String
    /// `READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`.
    public var status: String
    public var stage: String?
    public var description: String?
    public var userID: String?
    public var runID: String?
    public var runLink: String?
    /// Where its files are, as the registry names them (`models:/m-…`, `runs:/…`, a URI).
    public var source: String
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(name: String, version: String, status: String, stage: String? = nil, description: String? = nil,
                userID: String? = nil, runID: String? = nil, runLink: String? = nil, source: String,
                createdAt: Date? = nil, updatedAt: Date? = nil) {
        self.name = name
        self.version = version
        self.status = status
        self.stage = stage
        self.description = description
        self.userID = userID
        self.runID = runID
        self.runLink = runLink
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A file of a remote model version.
public struct RemoteArtifactFile: Sendable, Equatable {
    /// Its path in the registry's artifact store.
    public var path: String
    /// The URL it downloads from (what an import may name).
    public var url: String
    public var size: Int64?
    public var isDirectory: Bool

    public init(path: String, url: String, size: Int64?, isDirectory: Bool) {
        self.path = path
        self.url = url
        self.size = size
        self.isDirectory = isDirectory
    }
}
