import CompressNIO
import Foundation
import NIOCore
import SlipwayCore

/// Unpacks a `.tar.gz` into a folder, entry by entry, refusing anything unsafe (absolute paths,
/// `..`, links escaping the root, devices) and anything over the limits. Streams: neither the
/// compressed nor the unpacked archive is held whole in memory.
public struct TarGzipExtractor: Sendable {
    public var limits: ArchiveLimits

    public init(limits: ArchiveLimits) {
        self.limits = limits
    }

    /// Extracts into `destination` (which must exist and be empty); returns the regular files.
    public func extract(archive: URL, into destination: URL) throws -> [String] {
        let handle = try FileHandle(forReadingFrom: archive)
        defer { try? handle.close() }
        let decompressor = CompressionAlgorithm.gzip().decompressor
        decompressor.window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        try decompressor.startStream()
        defer { try? decompressor.finishStream() }
        var sink = EntrySink(root: destination, validator: ArchiveValidator(limits: limits))
        var reader = TarReader()
        var sawInput = false
        do {
            while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
                sawInput = true
                var buffer = ByteBuffer(bytes: chunk)
                try buffer.decompressStream(with: decompressor) { window in
                    for event in try reader.append(window.readableBytesView) { try sink.handle(event) }
                }
                if reader.isFinished { break }
            }
            guard sawInput else { throw ArchiveError("the archive is empty") }
            for event in try reader.finish() { try sink.handle(event) }
            try sink.validator.finish()
        } catch let error as CompressNIOError {
            sink.close()
            throw ArchiveError("the archive is not valid gzip data (\(error))")
        } catch {
            sink.close()
            throw error
        }
        sink.close()
        return sink.files.sorted()
    }
}

/// Writes validated entries below `root`.
struct EntrySink {
    let root: URL
    var validator: ArchiveValidator
    var files: Set<String> = []
    private var current: FileHandle?
    private var currentPath: String?

    init(root: URL, validator: ArchiveValidator) {
        self.root = root
        self.validator = validator
    }

    mutating func handle(_ event: TarEntryEvent) throws {
        let fileManager = FileManager.default
        switch event {
        case .entry(let header):
            guard let entry = try validator.validate(header) else { return }
            let target = root.appendingPathComponent(entry.path)
            // Last entry wins: replace a previous non-directory, never follow an existing link.
            if let attributes = try? fileManager.attributesOfItem(atPath: target.path),
               attributes[.type] as? FileAttributeType != .typeDirectory || entry.kind != .directory {
                try? fileManager.removeItem(at: target)
            }
            try fileManager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch entry.kind {
            case .directory:
                try fileManager.createDirectory(at: target, withIntermediateDirectories: true)
            case .regularFile:
                let permissions = (entry.mode & 0o111) != 0 ? 0o755 : 0o644
                guard fileManager.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: permissions]) else {
                    throw ArchiveError("could not write '\(entry.path)'")
                }
                current = try FileHandle(forWritingTo: target)
                currentPath = entry.path
                files.insert(entry.path)
            case .symbolicLink:
                try fileManager.createSymbolicLink(atPath: target.path, withDestinationPath: entry.linkTarget ?? "")
            case .hardLink:
                // Materialise as a copy of the earlier file: no shared inode leaves the root.
                let source = root.appendingPathComponent(try ArchivePath.normalize(entry.linkTarget ?? ""))
                try fileManager.copyItem(at: source, to: target)
                files.insert(entry.path)
            default:
                throw ArchiveError("'\(entry.path)' is a \(entry.kind), which is not allowed")
            }
        case .data(let bytes):
            try current?.write(contentsOf: bytes)
        case .entryEnd:
            try current?.close()
            current = nil
            currentPath = nil
        case .end:
            break
        }
    }

    mutating func close() {
        try? current?.close()
        current = nil
    }
}
