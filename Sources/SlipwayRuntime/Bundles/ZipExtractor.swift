import Foundation
import SlipwayCore
import ZIPFoundation

/// Unpacks a ZIP archive into a folder, refusing anything unsafe (absolute paths, `..`,
/// symbolic links, two entries of one name, a file where a folder is) and anything over the
/// limits. Sizes are counted as bytes are written, not taken from the entry headers.
public struct ZipExtractor: Sendable {
    public var limits: ArchiveLimits

    public init(limits: ArchiveLimits) {
        self.limits = limits
    }

    /// Extracts into `destination` (which must exist and be empty); returns the regular files.
    public func extract(archive url: URL, into destination: URL) throws -> [String] {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw ArchiveError("the archive is not a valid ZIP file")
        }
        var files = Set<String>()
        var folders = Set<String>()
        var entries = 0
        var total: Int64 = 0
        for entry in archive {
            entries += 1
            guard entries <= limits.maxEntries else { throw ArchiveError.tooManyEntries(limit: limits.maxEntries) }
            let path = try ArchivePath(entry.path)
            if path.isRoot { continue }
            let name = path.string
            switch entry.type {
            case .symlink:
                throw ArchiveError.invalidName(entry.path, "is a symbolic link")
            case .directory:
                guard !files.contains(name) else { throw ArchiveError.invalidName(entry.path, "is both a file and a folder") }
                folders.insert(name)
                try FileManager.default.createDirectory(at: destination.appendingPathComponent(name), withIntermediateDirectories: true)
            case .file:
                guard !files.contains(name), !folders.contains(name) else {
                    throw ArchiveError.invalidName(entry.path, "appears twice in the archive")
                }
                for depth in 1..<max(1, path.components.count) {
                    let parent = path.components.prefix(depth).joined(separator: "/")
                    guard !files.contains(parent) else { throw ArchiveError.invalidName(entry.path, "is inside a file") }
                    folders.insert(parent)
                }
                let target = destination.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: target.path, contents: nil) else {
                    throw ArchiveError.invalidName(entry.path, "could not be written")
                }
                let handle = try FileHandle(forWritingTo: target)
                defer { try? handle.close() }
                let limit = limits.maxTotalBytes
                do {
                    _ = try archive.extract(entry, skipCRC32: false) { chunk in
                        total += Int64(chunk.count)
                        guard total <= limit else { throw ArchiveError.tooLarge(limit: limit, at: name) }
                        try handle.write(contentsOf: chunk)
                    }
                } catch let error as ArchiveError {
                    throw error
                } catch {
                    throw ArchiveError.invalidName(entry.path, "is corrupt or compressed with an unsupported method")
                }
                files.insert(name)
            }
        }
        return files.sorted()
    }
}
