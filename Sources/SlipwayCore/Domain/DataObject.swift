import Foundation

/// An object in a workspace's data store. Its bytes live in a blob of the object store.
public struct DataObject: Sendable, Equatable {
    public var workspaceID: String
    public var path: String
    public var size: Int64
    public var blob: String
    public var etag: String
    public var lastModified: Date
    public var attributes: FileAttributes

    public init(workspaceID: String, path: String, size: Int64, blob: String, etag: String, lastModified: Date,
                attributes: FileAttributes = FileAttributes()) {
        self.workspaceID = workspaceID
        self.path = path
        self.size = size
        self.blob = blob
        self.etag = etag
        self.lastModified = lastModified
        self.attributes = attributes
    }
}

/// A multipart upload in progress.
public struct MultipartUpload: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var path: String
    public var createdAt: Date

    public init(id: String, workspaceID: String, path: String, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.path = path
        self.createdAt = createdAt
    }
}

public struct EnvironmentVariable: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
