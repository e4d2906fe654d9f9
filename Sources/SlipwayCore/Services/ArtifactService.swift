import Foundation

/// The artifact tree of each workspace: files tracking clients log (a run's or a logged model's
/// files, a model folder), stored in the blob store at `artifacts/<workspace id>/<path>` and
/// streamed in and out, never whole in memory. Listing and deleting a folder visit only that
/// folder. Multipart uploads keep their parts at `artifact-uploads/<workspace id>/<upload id>/`
/// until they are completed (concatenated in order into the file) or aborted.
///
/// Paths are checked by `ArtifactPath` (relative, no `..`, no `\`, NUL or empty component);
/// folder `reservedRoot` at the top is the model registry's read-only view and cannot be
/// written here.
public struct ArtifactService: Sendable {
    let platform: Platform

    public init(platform: Platform) {
        self.platform = platform
    }

    /// The top folder under which the registry serves model versions' snapshots.
    public static let reservedRoot = "_model-versions"

    static func blobKey(_ path: ArtifactPath, workspaceID: String) -> String {
        path.isRoot ? "artifacts/\(workspaceID)" : "artifacts/\(workspaceID)/\(path)"
    }

    static func uploadFolder(_ uploadID: String, workspaceID: String) -> String {
        "artifact-uploads/\(workspaceID)/\(uploadID)"
    }

    /// The entries directly in `folder`, by name (empty when it is no folder).
    public func list(_ folder: ArtifactPath, workspaceID: String) async throws -> [ArtifactEntry] {
        if folder.components.first == Self.reservedRoot { return try await listVersionView(folder, workspaceID: workspaceID) }
        return try await platform.blobs.list(folder: Self.blobKey(folder, workspaceID: workspaceID)).map {
            ArtifactEntry(path: $0.name, isFolder: $0.isFolder, size: $0.size)
        }
    }

    /// Every file under `folder`, recursively, relative to it, in name order.
    public func files(under folder: ArtifactPath, workspaceID: String) async throws -> [ArtifactEntry] {
        var found: [ArtifactEntry] = []
        var pending: [ArtifactPath] = [.root]
        while let relative = pending.popLast() {
            for entry in try await list(folder.appending(relative), workspaceID: workspaceID) {
                let path = try relative.appending(component: entry.path)
                if entry.isFolder { pending.append(path) } else {
                    found.append(ArtifactEntry(path: path.description, isFolder: false, size: entry.size))
                }
            }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Stores the chunks as file `path` (replacing it), streamed to the blob store; over
    /// `limits.maxObjectBytes` is refused and nothing is stored.
    @discardableResult
    public func upload(_ path: ArtifactPath, workspaceID: String, content: some AsyncSequence<Data, any Error>) async throws
        -> BlobInfo {
        try Self.checkWritable(path)
        let writer = try await platform.blobs.makeWriter(key: Self.blobKey(path, workspaceID: workspaceID))
        do {
            for try await chunk in content {
                guard writer.bytesWritten + Int64(chunk.count) <= platform.limits.maxObjectBytes else {
                    throw SlipwayError.tooLarge("artifact '\(path)' is larger than \(platform.limits.maxObjectBytes) bytes")
                }
                try await writer.write(chunk)
            }
            return try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
    }

    /// The content of file `path`, or nil when there is none.
    public func download(_ path: ArtifactPath, workspaceID: String) async throws -> BlobContent? {
        guard !path.isRoot else { return nil }
        if path.components.first == Self.reservedRoot { return try await downloadVersionView(path, workspaceID: workspaceID) }
        return try await platform.blobs.read(Self.blobKey(path, workspaceID: workspaceID))
    }

    /// Removes file `path`, or folder `path` with everything in it.
    public func delete(_ path: ArtifactPath, workspaceID: String) async throws {
        try Self.checkWritable(path)
        let key = Self.blobKey(path, workspaceID: workspaceID)
        try await platform.blobs.delete(key)
        try await platform.blobs.deleteFolder(key)
    }

    // MARK: Multipart uploads

    /// Starts a multipart upload of file `path` in `parts` parts (1–10,000); the upload id names it.
    public func createMultipartUpload(_ path: ArtifactPath, parts: Int, workspaceID: String) async throws -> String {
        try Self.checkWritable(path)
        guard (1...10_000).contains(parts) else { throw SlipwayError.badRequest("num_parts must be between 1 and 10000") }
        let uploadID = UUID().uuidString.lowercased()
        // The upload's target, so completing checks the path and an unknown upload id is refused.
        let marker = try await platform.blobs.makeWriter(key: Self.uploadFolder(uploadID, workspaceID: workspaceID) + "/target")
        try await marker.write(Data(path.description.utf8))
        _ = try await marker.commit()
        return uploadID
    }

    /// Stores part `number` (≥ 1) of an upload; answers the part's SHA-256 (its ETag).
    public func uploadPart(uploadID: String, number: Int, workspaceID: String,
                           content: some AsyncSequence<Data, any Error>) async throws -> String {
        _ = try await uploadTarget(uploadID, workspaceID: workspaceID)
        guard (1...10_000).contains(number) else { throw SlipwayError.badRequest("part numbers go from 1 to 10000") }
        let writer = try await platform.blobs.makeWriter(key: Self.uploadFolder(uploadID, workspaceID: workspaceID) + "/part-\(number)")
        do {
            for try await chunk in content {
                guard writer.bytesWritten + Int64(chunk.count) <= platform.limits.maxObjectBytes else {
                    throw SlipwayError.tooLarge("an upload part is larger than \(platform.limits.maxObjectBytes) bytes")
                }
                try await writer.write(chunk)
            }
            return try await writer.commit().sha256
        } catch {
            await writer.abort()
            throw error
        }
    }

    /// Concatenates parts `numbers` (ascending, each uploaded) into file `path` and removes the
    /// upload. A part that is missing, a wrong path or an unknown upload changes nothing.
    @discardableResult
    public func completeMultipartUpload(_ path: ArtifactPath, uploadID: String, parts numbers: [Int], workspaceID: String)
        async throws -> BlobInfo {
        let target = try await uploadTarget(uploadID, workspaceID: workspaceID)
        guard target == path.description else {
            throw SlipwayError.badRequest("upload '\(NameRules.printable(uploadID))' is not an upload of '\(path)'")
        }
        guard !numbers.isEmpty, numbers == numbers.sorted(), Set(numbers).count == numbers.count else {
            throw SlipwayError.badRequest("the parts must be listed once each, in ascending part number order")
        }
        let folder = Self.uploadFolder(uploadID, workspaceID: workspaceID)
        var total: Int64 = 0
        for number in numbers {
            guard let size = try await platform.blobs.size(of: folder + "/part-\(number)") else {
                throw SlipwayError.badRequest("part \(number) of upload '\(uploadID)' was not uploaded")
            }
            total += size
        }
        guard total <= platform.limits.maxObjectBytes else {
            throw SlipwayError.tooLarge("artifact '\(path)' is larger than \(platform.limits.maxObjectBytes) bytes")
        }
        let writer = try await platform.blobs.makeWriter(key: Self.blobKey(path, workspaceID: workspaceID))
        let info: BlobInfo
        do {
            for number in numbers {
                guard let content = try await platform.blobs.read(folder + "/part-\(number)") else {
                    throw SlipwayError.conflict("part \(number) of upload '\(uploadID)' disappeared")
                }
                for try await chunk in content.chunks { try await writer.write(chunk) }
            }
            info = try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
        try await platform.blobs.deleteFolder(folder)
        return info
    }

    /// Discards an upload and its parts.
    public func abortMultipartUpload(_ path: ArtifactPath, uploadID: String, workspaceID: String) async throws {
        let target = try await uploadTarget(uploadID, workspaceID: workspaceID)
        guard target == path.description else {
            throw SlipwayError.badRequest("upload '\(NameRules.printable(uploadID))' is not an upload of '\(path)'")
        }
        try await platform.blobs.deleteFolder(Self.uploadFolder(uploadID, workspaceID: workspaceID))
    }

    private func uploadTarget(_ uploadID: String, workspaceID: String) async throws -> String {
        guard UUID(uuidString: uploadID) != nil, uploadID == uploadID.lowercased(),
              let content = try await platform.blobs.read(Self.uploadFolder(uploadID, workspaceID: workspaceID) + "/target")
        else { throw SlipwayError.notFound("multipart upload", NameRules.printable(uploadID)) }
        var data = Data()
        for try await chunk in content.chunks { data.append(chunk) }
        return String(decoding: data, as: UTF8.self)
    }

    static func checkWritable(_ path: ArtifactPath) throws(SlipwayError) {
        guard !path.isRoot else { throw .badRequest("an artifact path is required") }
        guard path.components.first != reservedRoot else {
            throw .badRequest("artifact folder '\(reservedRoot)' is the model registry's and is read-only")
        }
    }
}
