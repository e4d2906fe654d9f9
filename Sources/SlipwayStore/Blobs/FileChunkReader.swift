import Foundation

/// Reads a file chunk by chunk for a `BlobContent` stream; closes it at the end or when dropped.
final class FileChunkReader: @unchecked Sendable {
    private let handle: FileHandle
    private let chunkSize: Int
    private let lock = NSLock()
    private var closed = false

    init(handle: FileHandle, chunkSize: Int) {
        self.handle = handle
        self.chunkSize = chunkSize
    }

    /// The next chunk, or nil at the end (the file is then closed).
    func next() throws -> Data? {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return nil }
        if let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty { return chunk }
        closed = true
        try? handle.close()
        return nil
    }

    deinit {
        if !closed { try? handle.close() }
    }
}
