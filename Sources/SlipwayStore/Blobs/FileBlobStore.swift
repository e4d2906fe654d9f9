import Crypto
import Foundation
import SlipwayCore

/// Blobs as files under `root/ab/<key>`. Writes go to a temp file, are fsync'd, then renamed.
public final class FileBlobStore: BlobStore {
    public let root: URL
    private let temporary: URL

    public init(root: URL) throws {
        self.root = root
        self.temporary = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    func url(for key: String) throws -> URL {
        if key.contains("/") { return try namedURL(for: key) }
        guard key.count >= 8, key.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 45 }) else {
            throw SlipwayError.internal("invalid blob key")
        }
        return root.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key)
    }

    public func makeWriter() async throws -> any BlobWriter {
        try newWriter()
    }

    private func newWriter(key: String? = nil) throws -> FileBlobWriter {
        try FileBlobWriter(store: self, temporary: temporary.appendingPathComponent(UUID().uuidString.lowercased()),
                           key: key)
    }

    public func importFile(at source: URL) async throws -> BlobInfo {
        try await Self.offTheLoops {
            let writer = try self.newWriter()
            do {
                let handle = try FileHandle(forReadingFrom: source)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty { try writer.write(chunk) }
                let info = try writer.commitNow()
                try? FileManager.default.removeItem(at: source)
                return info
            } catch {
                writer.abortNow()
                throw error
            }
        }
    }

    public func size(of key: String) async throws -> Int64? {
        let file = try url(for: key)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        return (attributes?[.size] as? NSNumber)?.int64Value
    }

    public func read(_ key: String) async throws -> BlobContent? {
        let file = try url(for: key)
        guard let handle = FileHandle(forReadingAtPath: file.path) else { return nil }
        let reader = FileChunkReader(handle: handle, chunkSize: Self.chunkSize)
        let size = try await size(of: key) ?? 0
        return BlobContent(size: size, chunks: AsyncThrowingStream {
            try await Self.offTheLoops { try reader.next() }
        })
    }

    public func export(_ key: String, to destination: URL) async throws {
        let file = try url(for: key)
        try await Self.offTheLoops {
            guard FileManager.default.fileExists(atPath: file.path) else { throw SlipwayError.internal("blob \(key) is missing") }
            try FileManager.default.copyItem(at: file, to: destination)
        }
    }

    public func duplicate(_ key: String) async throws -> BlobInfo {
        let file = try url(for: key)
        return try await Self.offTheLoops {
            let writer = try self.newWriter()
            do {
                guard let handle = FileHandle(forReadingAtPath: file.path) else {
                    throw SlipwayError.internal("blob \(key) is missing")
                }
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty { try writer.write(chunk) }
                return try writer.commitNow()
            } catch {
                writer.abortNow()
                throw error
            }
        }
    }

    public func delete(_ key: String) async throws {
        let file = try url(for: key)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue else { return }
        try? FileManager.default.removeItem(at: file)
        if key.contains("/") { pruneEmptyFolders(above: file) }
    }

    static let chunkSize = 256 * 1024

    /// Runs blocking file I/O on the shared pool, never on a connection's event loop (handlers
    /// may run on one, see the server's connection placement).
    static func offTheLoops<T: Sendable>(_ body: @Sendable () throws -> T) async throws -> T {
        try await withTaskExecutorPreference(globalConcurrentExecutor) { try body() }
    }

    func install(temporary file: URL, key: String) throws {
        let destination = try url(for: key)
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
        } catch {
            throw SlipwayError.conflict("'\(NameRules.printable(key))' is inside a file")
        }
        guard rename(file.path, destination.path) == 0 else {
            if errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST || errno == ENOTDIR {
                throw SlipwayError.conflict("'\(NameRules.printable(key))' is a folder or inside a file")
            }
            throw SlipwayError.internal("could not store a blob (errno \(errno))")
        }
    }
}
