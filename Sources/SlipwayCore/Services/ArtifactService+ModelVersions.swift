import Foundation

/// The registry's read-only view in the artifact tree: `_model-versions/<version id>/<file>`
/// lists and serves the files of a model version's snapshot (byte ranges of its stored ZIP,
/// see `ModelFolderImporter`); a version uploaded as one file shows that file. Only versions of
/// the caller's workspace are visible; anything else under the folder is not found.
extension ArtifactService {
    /// The folder under which version `versionID` is served.
    public static func versionFolder(_ versionID: String) -> String { "\(reservedRoot)/\(versionID)" }

    /// One file of a version's artifact: its path and the byte range holding it.
    public struct VersionFile: Sendable, Equatable {
        public var path: String
        public var offset: Int64
        public var size: Int64
    }

    /// The files of a version, from its snapshot index (or the whole artifact as one file).
    public static func files(of version: ModelVersion) -> [VersionFile] {
        guard let files = version.configuration?["files"]?.arrayValue else {
            return [VersionFile(path: version.fileName, offset: 0, size: version.size)]
        }
        return files.compactMap { file in
            guard let path = file["path"]?.stringValue, case .number(let offset)? = file["offset"],
                  case .number(let size)? = file["size"] else { return nil }
            return VersionFile(path: path, offset: Int64(offset), size: Int64(size))
        }
    }

    func versionView(_ path: ArtifactPath, workspaceID: String) async throws -> (version: ModelVersion, inner: ArtifactPath)? {
        guard path.components.count >= 2, path.components[0] == Self.reservedRoot,
              let version = try await platform.store.modelVersion(id: path.components[1]), version.workspaceID == workspaceID
        else { return nil }
        return (version, ArtifactPath.root.appending(path.relative(to: try ArtifactPath("\(Self.reservedRoot)/\(version.id)"))))
    }

    func listVersionView(_ path: ArtifactPath, workspaceID: String) async throws -> [ArtifactEntry] {
        guard let view = try await versionView(path, workspaceID: workspaceID) else { return [] }
        let (version, inner) = view
        var entries: [String: ArtifactEntry] = [:]
        for file in Self.files(of: version) {
            guard let filePath = try? ArtifactPath(file.path), filePath.isWithin(inner), filePath != inner else { continue }
            let rest = filePath.relative(to: inner).components
            if rest.count == 1 {
                entries[rest[0]] = ArtifactEntry(path: rest[0], isFolder: false, size: file.size)
            } else if entries[rest[0]] == nil {
                entries[rest[0]] = ArtifactEntry(path: rest[0], isFolder: true, size: nil)
            }
        }
        return entries.values.sorted { $0.path < $1.path }
    }

    func downloadVersionView(_ path: ArtifactPath, workspaceID: String) async throws -> BlobContent? {
        guard let view = try await versionView(path, workspaceID: workspaceID),
              let file = Self.files(of: view.version).first(where: { $0.path == view.inner.description }) else { return nil }
        return try await platform.blobs.read(view.version.blobKey, offset: file.offset, length: file.size)
    }
}
