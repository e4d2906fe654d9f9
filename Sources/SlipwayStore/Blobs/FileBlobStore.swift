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
        guard key.count >= 8, key.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) || $0 == 45 }) else {
            throw SlipwayError.internal("invalid blob key")
        }
        return root.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key)
    }

    public func makeWriter() throws -> any BlobWriter {
        try FileBlobWriter(store: self, temporary: temporary.appendingPathComponent(UUID().uuidString.lowercased()))
    }

    public func importFile(at source: URL) throws -> BlobInfo {
        let writer = try FileBlobWriter(store: self, temporary: temporary.appendingPathComponent(UUID().uuidString.lowercased()))
        do {
            let handle = try FileHandle(forReadingFrom: source)
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try writer.write(chunk) }
            let info = try writer.commit()
            try? FileManager.default.removeItem(at: source)
            return info
        } catch {
            writer.abort()
            throw error
        }
    }

    public func size(of key: String) throws -> Int64? {
        let file = try url(for: key)
        let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
        return (attributes?[.size] as? NSNumber)?.int64Value
    }

    public func localURL(for key: String) throws -> URL? {
        let file = try url(for: key)
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    public func delete(_ key: String) throws {
        let file = try url(for: key)
        try? FileManager.default.removeItem(at: file)
    }

    func install(temporary file: URL, key: String) throws {
        let destination = try url(for: key)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(file.path, destination.path) == 0 else {
            throw SlipwayError.internal("could not store a blob (errno \(errno))")
        }
    }
}

/// Streams into a temp file while hashing; `commit` fsyncs and renames into place.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    private let store: FileBlobStore
    private let temporary: URL
    private let descriptor: Int32
    private var hasher = SHA256()
    private(set) var bytesWritten: Int64 = 0
    private var finished = false
    private let lock = NSLock()

    init(store: FileBlobStore, temporary: URL) throws {
        self.store = store
        self.temporary = temporary
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SlipwayError.internal("could not create a temporary file (errno \(errno))") }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { throw SlipwayError.internal("write after commit") }
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SlipwayError.internal("could not write to disk (errno \(errno))")
            }
            offset += written
        }
        bytesWritten += Int64(bytes.count)
    }

    func commit() throws -> BlobInfo {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { throw SlipwayError.internal("blob already committed") }
        finished = true
        guard fsync(descriptor) == 0 else {
            close(descriptor)
            try? FileManager.default.removeItem(at: temporary)
            throw SlipwayError.internal("could not flush to disk (errno \(errno))")
        }
        close(descriptor)
        let digest = Hex.encode(hasher.finalize())
        let key = UUID().uuidString.lowercased()
        do {
            try store.install(temporary: temporary, key: key)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return BlobInfo(key: key, size: bytesWritten, sha256: digest)
    }

    func abort() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        close(descriptor)
        try? FileManager.default.removeItem(at: temporary)
    }

    deinit {
        if !finished {
            close(descriptor)
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
