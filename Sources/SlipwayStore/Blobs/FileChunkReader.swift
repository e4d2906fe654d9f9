import Foundation

/// Reads a file chunk by chunk for a `BlobContent` stream; closes it at the end or when dropped.
final class FileChunkReader: @unchecked Sendable {
    private let handle: FileHandle
    private let chunkSize: Int
    private let lock = NSLock()
    private var closed = false
    /// Bytes still to read when the read is a range; nil reads to the end.
    private var remaining: Int64?

    init(handle: FileHandle, chunkSize: Int, limit: Int64? = nil) {
        self.handle = handle
        self.chunkSize = chunkSize
        self.remaining = limit
    }

    /// The next chunk, or nil at the end (the file is then closed).
    func next() throws -> Data? {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return nil }
        let wanted = remaining.map { Int(min(Int64(chunkSize), $0)) } ?? chunkSize
        if wanted > 0, let chunk = try handle.read(upToCount: wanted), !chunk.isEmpty {
            remaining = remaining.map { $0 - Int64(chunk.count) }
            return chunk
        }
        closed = true
        try? handle.close()
        return nil
    }

    deinit {
        if !closed { try? handle.close() }
    }
}
