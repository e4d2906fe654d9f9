import Foundation
import SlipwayCore

/// Named blobs as a directory tree under `root/named/`: key `a/b/c` is the file
/// `root/named/a/b/c`, so a folder lists and deletes by visiting only what is in it. Every key
/// component is checked (no empty, `.`, `..`, NUL or `\` component), so no key leaves the tree.
extension FileBlobStore {
    var namedRoot: URL { root.appendingPathComponent("named") }

    func namedURL(for key: String) throws -> URL {
        try Self.components(of: key, allowEmpty: false).reduce(namedRoot) { $0.appendingPathComponent($1) }
    }

    /// The components of a named key or folder; refuses any that could escape or alias.
    static func components(of key: String, allowEmpty: Bool) throws -> [String] {
        if key.isEmpty, allowEmpty { return [] }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") && !$0.contains("\\") })
        else { throw SlipwayError.internal("invalid named blob key") }
        return parts
    }

    public func makeWriter(key: String) async throws -> any BlobWriter {
        _ = try namedURL(for: key)
        return try FileBlobWriter(store: self, temporary: root.appendingPathComponent("tmp")
            .appendingPathComponent(UUID().uuidString.lowercased()), key: key)
    }

    public func list(folder: String) async throws -> [NamedBlobEntry] {
        let directory = try Self.components(of: folder, allowEmpty: true).reduce(namedRoot) { $0.appendingPathComponent($1) }
        return try await Self.offTheLoops {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
            return names.sorted().compactMap { name -> NamedBlobEntry? in
                let path = directory.appendingPathComponent(name).path
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
                if isFolder.boolValue { return NamedBlobEntry(name: name, isFolder: true, size: nil) }
                let attributes = try? FileManager.default.attributesOfItem(atPath: path)
                return NamedBlobEntry(name: name, isFolder: false, size: (attributes?[.size] as? NSNumber)?.int64Value ?? 0)
            }
        }
    }

    public func deleteFolder(_ folder: String) async throws {
        let directory = try namedURL(for: folder)
        try await Self.offTheLoops {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else { return }
            // Renamed away first, so a concurrent listing sees the whole folder or none of it.
            let trash = self.root.appendingPathComponent("tmp").appendingPathComponent("deleted-" + UUID().uuidString)
            if rename(directory.path, trash.path) == 0 {
                try? FileManager.default.removeItem(at: trash)
            } else {
                try? FileManager.default.removeItem(at: directory)
            }
            self.pruneEmptyFolders(above: directory)
        }
    }

    public func read(_ key: String, offset: Int64, length: Int64) async throws -> BlobContent? {
        let file = try url(for: key)
        guard offset >= 0, length >= 0, let handle = FileHandle(forReadingAtPath: file.path) else { return nil }
        let size = try await size(of: key) ?? 0
        let count = max(0, min(length, size - offset))
        try handle.seek(toOffset: UInt64(min(offset, size)))
        let reader = FileChunkReader(handle: handle, chunkSize: Self.chunkSize, limit: count)
        return BlobContent(size: count, chunks: AsyncThrowingStream {
            try await Self.offTheLoops { try reader.next() }
        })
    }

    /// Removes the folders left empty above a removed file or folder, up to the named root.
    func pruneEmptyFolders(above url: URL) {
        var folder = url.deletingLastPathComponent()
        let top = namedRoot.standardizedFileURL.path
        while folder.standardizedFileURL.path.count > top.count, rmdir(folder.path) == 0 {
            folder = folder.deletingLastPathComponent()
        }
    }
}
