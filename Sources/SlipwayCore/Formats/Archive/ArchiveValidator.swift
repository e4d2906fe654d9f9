/// Walks the entries of an archive in order and throws on the first one that may not be
/// extracted, so callers can stop before writing anything unsafe.
///
/// Checks, per entry: entry count and total content size (``ArchiveLimits``); supported
/// kind (devices, FIFOs and other special entries are rejected); a safe ``ArchivePath``;
/// no entry inside a path that is a symbolic link or a regular file; no directory replaced
/// by a non-directory or vice versa; symbolic links that stay inside the root (also through
/// other links); hard links to an earlier regular file. Call ``finish()`` after the last
/// entry to re-check link chains, since a later link can change what an earlier one means.
///
/// Duplicate entries are allowed and the last one wins (client libraries produce such archives):
/// when extracting a file, link or directory over an existing one, remove the old
/// non-directory first and never follow an existing symbolic link.
public struct ArchiveValidator: Sendable {
    private enum Node: Sendable {
        case directory
        case file
        case symlink
    }

    /// The limits being enforced.
    public let limits: ArchiveLimits
    /// Entries seen so far (including skipped root entries).
    public private(set) var entryCount = 0
    /// Total regular-file bytes seen so far.
    public private(set) var totalBytes: Int64 = 0

    private var nodes: [String: Node] = [:]
    /// Link path → link's directory components + raw target components.
    private var links: [String: [String]] = [:]

    /// Creates a validator enforcing `limits`.
    public init(limits: ArchiveLimits = .default) {
        self.limits = limits
    }

    /// Validates the next entry.
    /// - Returns: the entry to extract, or nil if it names the root directory itself (`./`)
    ///   and should simply be skipped.
    /// - Throws: ``ArchiveError`` naming the offending entry.
    public mutating func validate(_ header: TarEntryHeader) throws -> ArchiveEntry? {
        entryCount += 1
        if entryCount > limits.maxEntries { throw ArchiveError.tooManyEntries(limit: limits.maxEntries) }

        switch header.kind {
        case .regularFile, .directory, .symbolicLink, .hardLink: break
        default: throw ArchiveError.unsupportedKind(header.path, header.kind)
        }

        let path = try ArchivePath(header.path)
        if path.isRoot {
            guard header.kind == .directory else {
                throw ArchiveError.invalidName(header.path, "names the archive root but is not a directory")
            }
            return nil
        }
        let key = path.string

        if header.kind == .regularFile {
            totalBytes += header.size
            if totalBytes > limits.maxTotalBytes {
                throw ArchiveError.tooLarge(limit: limits.maxTotalBytes, at: header.path)
            }
        }

        // Every ancestor must be (or implicitly become) a directory.
        var ancestor = ""
        for component in path.parentComponents {
            ancestor = ancestor.isEmpty ? component : ancestor + "/" + component
            switch nodes[ancestor] {
            case .symlink?:
                throw ArchiveError.invalidName(
                    header.path, "is inside \(ArchiveError.quoted(ancestor)), which is a symbolic link")
            case .file?:
                throw ArchiveError.invalidName(
                    header.path, "is inside \(ArchiveError.quoted(ancestor)), which is a regular file")
            case .directory?:
                break
            case nil:
                nodes[ancestor] = .directory
            }
        }

        let isDirectory = header.kind == .directory
        if let existing = nodes[key], (existing == .directory) != isDirectory {
            let earlier =
                switch existing {
                case .directory: "earlier entries use that path as a directory"
                case .file: "an earlier entry with that path is a regular file"
                case .symlink: "an earlier entry with that path is a symbolic link"
                }
            throw ArchiveError.invalidName(header.path, "is a \(header.kind), but \(earlier)")
        }

        var linkTarget: String?
        switch header.kind {
        case .directory:
            nodes[key] = .directory
        case .regularFile:
            nodes[key] = .file
            links[key] = nil
        case .symbolicLink:
            let target = header.linkTarget ?? ""
            guard let raw = ArchiveLinkPolicy.targetComponents(target),
                ArchiveLinkPolicy.resolve(target: target, from: path.parentComponents) != nil
            else {
                throw ArchiveError.invalidName(
                    header.path, "is a symbolic link pointing outside the archive (\(ArchiveError.quoted(target)))")
            }
            links[key] = Array(path.parentComponents) + raw
            try ArchiveValidator.checkChain(of: key, links: links, name: header.path, target: target)
            nodes[key] = .symlink
            linkTarget = target
        case .hardLink:
            let target = header.linkTarget ?? ""
            guard let targetPath = try? ArchivePath(target), !targetPath.isRoot,
                targetPath.string != key, nodes[targetPath.string] == .file
            else {
                throw ArchiveError.invalidName(
                    header.path,
                    "is a hard link that does not point to an earlier regular file of the archive (\(ArchiveError.quoted(target)))"
                )
            }
            nodes[key] = .file
            links[key] = nil
            linkTarget = targetPath.string
        default:
            break
        }
        return ArchiveEntry(
            path: key, kind: header.kind, size: header.kind == .regularFile ? header.size : 0,
            mode: header.mode, linkTarget: linkTarget)
    }

    /// Re-checks every symbolic link against the final set of links (a link added late can
    /// make an earlier link escape, e.g. `x -> d/l/..` followed by `d/l -> ..`).
    /// - Throws: ``ArchiveError`` naming the first link that escapes the root or loops.
    public func finish() throws {
        for key in links.keys.sorted() {
            try ArchiveValidator.checkChain(of: key, links: links, name: key, target: nil)
        }
    }

    private static func checkChain(of key: String, links: [String: [String]], name: String, target: String?) throws {
        guard let raw = links[key] else { return }
        let shown = target.map { " (\(ArchiveError.quoted($0)))" } ?? ""
        switch ArchiveLinkPolicy.followChain(raw, links: links) {
        case .inside:
            return
        case .escapes:
            throw ArchiveError.invalidName(
                name, "is a symbolic link that leads outside the archive through other links\(shown)")
        case .loop:
            throw ArchiveError.invalidName(name, "is a symbolic link that forms a loop\(shown)")
        }
    }
}
