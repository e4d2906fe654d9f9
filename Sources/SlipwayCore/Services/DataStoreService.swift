import Foundation

/// A workspace's data store: an index of paths in the metadata store over blobs. Every object
/// stored (uploads, presigned uploads, execution outputs: all go through `attach`) is handed to
/// `captures`, which ingests capture files of bound folders in the background, and to
/// `workflows`, which starts the workflows of the file pipelines it is due for.
public struct DataStoreService: Sendable {
    let platform: Platform
    let captures: CaptureIngestor?
    let workflows: FileWorkflowDispatcher?
    public static let pageSize = 1000

    public init(platform: Platform, captures: CaptureIngestor? = nil, workflows: FileWorkflowDispatcher? = nil) {
        self.platform = platform
        self.captures = captures
        self.workflows = workflows
    }

    public func information(workspaceID: String, path: String) async throws -> DataObject {
        let objectPath = try ObjectPath(path)
        guard let object = try await platform.store.object(workspaceID: workspaceID, path: objectPath.value) else {
            throw SlipwayError.notFound("data store object", objectPath.value)
        }
        return object
    }

    /// One page of objects under a folder, and the token for the next page.
    public func list(workspaceID: String, folder: String?, continuationToken: String?) async throws
        -> (objects: [DataObject], next: String?)
    {
        let prefix = try ObjectPath.validateFolder(folder ?? "")
        var after: String?
        if let token = continuationToken, !token.isEmpty {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
                  text.hasPrefix(prefix)
            else { throw SlipwayError.badRequest("continuation_token is not valid for this folder") }
            after = text
        }
        let objects = try await platform.store.listObjects(workspaceID: workspaceID, prefix: prefix, after: after,
                                                           limit: Self.pageSize + 1)
        if objects.count > Self.pageSize {
            let page = Array(objects.prefix(Self.pageSize))
            return (page, Data(page.last!.path.utf8).base64EncodedString())
        }
        return (objects, nil)
    }

    /// Registers a finished blob under `path`, replacing (and freeing) any previous object.
    public func attach(blob: BlobInfo, workspaceID: String, path: ObjectPath,
                       attributes: FileAttributes = FileAttributes()) async throws -> DataObject {
        try attributes.validate()
        let object = DataObject(workspaceID: workspaceID, path: path.value, size: blob.size, blob: blob.key,
                                etag: String(blob.sha256.prefix(32)), lastModified: platform.now(), attributes: attributes)
        do {
            if let previous = try await platform.store.putObject(object), previous != blob.key {
                try? await platform.blobs.delete(previous)
            }
        } catch {
            try? await platform.blobs.delete(blob.key)
            throw error
        }
        captures?.objectStored(object)
        workflows?.objectStored(object)
        return object
    }

    /// Stores a copy of an existing blob (e.g. a file output) under `path`.
    func attachCopy(ofBlob key: String, workspaceID: String, path: ObjectPath) async throws {
        _ = try await attach(blob: try await platform.blobs.duplicate(key), workspaceID: workspaceID, path: path)
    }

    /// Replaces the attributes of the object at `path` (labels added or removed, metadata
    /// changed); a conflict when the object changed meanwhile.
    public func updateAttributes(workspaceID: String, path: String, _ change: (inout FileAttributes) throws -> Void) async throws
        -> DataObject {
        var object = try await information(workspaceID: workspaceID, path: path)
        try change(&object.attributes)
        try object.attributes.validate()
        guard try await platform.store.updateObjectAttributes(workspaceID: workspaceID, path: object.path, etag: object.etag,
                                                             object.attributes) else {
            throw SlipwayError.conflict("'\(NameRules.printable(object.path))' changed meanwhile; read it again")
        }
        return object
    }

    func putBytes(_ data: Data, workspaceID: String, path: ObjectPath) async throws {
        let writer = try await platform.blobs.makeWriter()
        let blob: BlobInfo
        do {
            try await writer.write(data)
            blob = try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
        _ = try await attach(blob: blob, workspaceID: workspaceID, path: path)
    }

    public func delete(workspaceID: String, path: String) async throws -> String {
        let objectPath = try ObjectPath(path)
        guard let blob = try await platform.store.deleteObject(workspaceID: workspaceID, path: objectPath.value) else {
            throw SlipwayError.notFound("data store object", objectPath.value)
        }
        try? await platform.blobs.delete(blob)
        return objectPath.value
    }

    public func startMultipart(workspaceID: String, path: String) async throws -> MultipartUpload {
        let objectPath = try ObjectPath(path)
        let upload = MultipartUpload(id: UUID().uuidString.lowercased(), workspaceID: workspaceID,
                                     path: objectPath.value, createdAt: platform.now())
        try await platform.store.createMultipartUpload(upload)
        return upload
    }

    public func multipart(id: String, workspaceID: String, path: String) async throws -> MultipartUpload {
        guard let upload = try await platform.store.multipartUpload(id: id), upload.workspaceID == workspaceID,
              upload.path == path
        else { throw SlipwayError.notFound("multipart upload", id) }
        return upload
    }

    public func finishMultipart(_ upload: MultipartUpload) async throws {
        try await platform.store.deleteMultipartUpload(id: upload.id)
    }
}
