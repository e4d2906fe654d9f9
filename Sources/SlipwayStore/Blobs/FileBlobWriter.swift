import Crypto
import Foundation
import SlipwayCore

/// Streams into a temp file while hashing; `commit` fsyncs and renames into place.
final class FileBlobWriter: BlobWriter, @unchecked Sendable {
    private let store: FileBlobStore
    private let temporary: URL
    private let descriptor: Int32
    private var hasher = SHA256()
    private(set) var bytesWritten: Int64 = 0
    private var finished = false
    private let lock = NSLock()

    /// The named key `commit` stores at; nil for a new opaque key.
    private let namedKey: String?

    init(store: FileBlobStore, temporary: URL, key: String? = nil) throws {
        self.store = store
        self.namedKey = key
        self.temporary = temporary
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SlipwayError.internal("could not create a temporary file (errno \(errno))") }
    }

    func write(_ data: Data) async throws {
        try await FileBlobStore.offTheLoops { try self.write(data) }
    }

    func commit() async throws -> BlobInfo {
        try await FileBlobStore.offTheLoops { try self.commitNow() }
    }

    func abort() async {
        abortNow()
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write(bytes: $0) }
    }

    func write(bytes: UnsafeRawBufferPointer) throws {
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

    func commitNow() throws -> BlobInfo {
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
        let key = namedKey ?? UUID().uuidString.lowercased()
        do {
            try store.install(temporary: temporary, key: key)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        return BlobInfo(key: key, size: bytesWritten, sha256: digest)
    }

    func abortNow() {
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
