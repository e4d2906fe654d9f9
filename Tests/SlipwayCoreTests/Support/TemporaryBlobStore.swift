import Crypto
import Foundation
import Synchronization

@testable import SlipwayCore

/// A `BlobStore` in a fresh temporary folder, for Core tests (the real `FileBlobStore` lives in
/// SlipwayStore, which Core tests do not depend on). Blobs are files named by a random key;
/// writers write to a temp file and rename it on commit, so an aborted write leaves nothing.
final class TemporaryBlobStore: BlobStore, Sendable {
    let root: URL
    private let deleted = Mutex<[String]>([])
    /// Whole-blob reads still to fail (`failNextReads`), as an unreachable object store would.
    private let readFailures = Mutex(0)

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-blobs-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: root.appendingPathComponent("tmp"), withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Makes the next `count` whole-blob reads throw.
    func failNextReads(_ count: Int) {
        readFailures.withLock { $0 = count }
    }

    /// Keys passed to `delete`, in order (whether or not the blob existed).
    var deletedKeys: [String] { deleted.withLock { $0 } }

    func url(for key: String) -> URL { root.appendingPathComponent(key) }

    /// Keys of the blobs stored now, sorted.
    func keys() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { $0 != "tmp" }.sorted()
    }

    /// The content of a blob, or nil.
    func data(_ key: String) -> Data? { try? Data(contentsOf: url(for: key)) }

    func makeWriter() async throws -> any BlobWriter {
        try Writer(store: self)
    }

    func makeWriter(key: String) async throws -> any BlobWriter {
        try Writer(store: self, key: key)
    }

    /// Named keys are paths under the root (the tests' keys never contain `tmp` at the top).
    func list(folder: String) async throws -> [NamedBlobEntry] {
        let directory = folder.isEmpty ? root : url(for: folder)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        return names.filter { !(folder.isEmpty && $0 == "tmp") }.map { name in
            var isFolder: ObjCBool = false
            let path = directory.appendingPathComponent(name).path
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
            return NamedBlobEntry(name: name, isFolder: isFolder.boolValue, size: isFolder.boolValue ? nil : size)
        }
    }

    func deleteFolder(_ folder: String) async throws {
        try? FileManager.default.removeItem(at: url(for: folder))
    }

    func read(_ key: String, offset: Int64, length: Int64) async throws -> BlobContent? {
        guard let data = data(key) else { return nil }
        let start = Int(min(offset, Int64(data.count))), end = Int(min(offset + length, Int64(data.count)))
        let slice = Data(data[start..<end])
        return BlobContent(size: Int64(slice.count), chunks: AsyncThrowingStream { continuation in
            continuation.yield(slice)
            continuation.finish()
        })
    }

    func importFile(at url: URL) async throws -> BlobInfo {
        let data = try Data(contentsOf: url)
        let key = "blob-" + UUID().uuidString.lowercased()
        try FileManager.default.moveItem(at: url, to: self.url(for: key))
        return BlobInfo(key: key, size: Int64(data.count), sha256: Self.sha256(data))
    }

    func size(of key: String) async throws -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url(for: key).path) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    func read(_ key: String) async throws -> BlobContent? {
        let fails = readFailures.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fails { throw SlipwayError(.unavailable, "the object store is unreachable") }
        guard let data = data(key) else { return nil }
        return BlobContent(size: Int64(data.count), chunks: AsyncThrowingStream { continuation in
            continuation.yield(data)
            continuation.finish()
        })
    }

    func export(_ key: String, to destination: URL) async throws {
        try FileManager.default.copyItem(at: url(for: key), to: destination)
    }

    func duplicate(_ key: String) async throws -> BlobInfo {
        guard let data = data(key) else { throw SlipwayError.internal("blob \(key) is missing") }
        let copy = "blob-" + UUID().uuidString.lowercased()
        try data.write(to: url(for: copy))
        return BlobInfo(key: copy, size: Int64(data.count), sha256: Self.sha256(data))
    }

    func delete(_ key: String) async throws {
        deleted.withLock { $0.append(key) }
        try? FileManager.default.removeItem(at: url(for: key))
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Accumulates bytes in a temp file; `commit` renames it to a new key.
    final class Writer: BlobWriter, @unchecked Sendable {
        private let store: TemporaryBlobStore
        private let temp: URL
        private let handle: FileHandle
        private let lock = NSLock()
        private var written: Int64 = 0
        private var content = Data()
        private let key: String?

        init(store: TemporaryBlobStore, key: String? = nil) throws {
            self.store = store
            self.key = key
            temp = store.root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString)
            FileManager.default.createFile(atPath: temp.path, contents: nil)
            handle = try FileHandle(forWritingTo: temp)
        }

        var bytesWritten: Int64 { lock.withLock { written } }

        func write(_ data: Data) async throws {
            try lock.withLock {
                try handle.write(contentsOf: data)
                content.append(data)
                written += Int64(data.count)
            }
        }

        func commit() async throws -> BlobInfo {
            try lock.withLock {
                try handle.close()
                let key = self.key ?? "blob-" + UUID().uuidString.lowercased()
                let destination = store.url(for: key)
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(),
                                                        withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: destination)
                try FileManager.default.moveItem(at: temp, to: destination)
                return BlobInfo(key: key, size: written, sha256: TemporaryBlobStore.sha256(content))
            }
        }

        func abort() async {
            lock.withLock {
                try? handle.close()
                try? FileManager.default.removeItem(at: temp)
            }
        }
    }
}
