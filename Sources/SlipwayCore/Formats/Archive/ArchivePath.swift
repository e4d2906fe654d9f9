/// A validated, normalised relative path for extracting an archive entry under a root directory.
///
/// Rules: the name must be non-empty, contain no NUL byte, be at most ``maxLength`` UTF-8 bytes
/// with at most ``maxComponents`` components of at most ``maxComponentLength`` bytes each, must
/// not be absolute and must not contain a `..` component. Leading `./`, `.` components, repeated
/// and trailing slashes are removed, so `./src//a/./b.py` becomes `src/a/b.py`. A backslash is an
/// ordinary character (it is not a separator on the extraction host).
public struct ArchivePath: Sendable, Hashable, CustomStringConvertible {
    /// Longest accepted entry name, in UTF-8 bytes.
    public static let maxLength = 4096
    /// Largest accepted number of path components.
    public static let maxComponents = 64
    /// Longest accepted single component, in UTF-8 bytes (the usual file-system limit).
    public static let maxComponentLength = 255

    /// The normalised components; empty for the root itself (`.` or `./`).
    public let components: [String]

    /// Validates and normalises an archive entry name.
    /// - Throws: ``ArchiveError`` naming the entry if it is unsafe or malformed.
    public init(_ name: String) throws {
        guard !name.isEmpty else { throw ArchiveError.emptyName() }
        if name.utf8.contains(0) { throw ArchiveError.invalidName(name, "contains a NUL byte") }
        if name.utf8.count > ArchivePath.maxLength {
            throw ArchiveError.invalidName(name, "is longer than \(ArchivePath.maxLength) bytes")
        }
        if name.hasPrefix("/") { throw ArchiveError.invalidName(name, "is an absolute path") }
        var components: [String] = []
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { throw ArchiveError.invalidName(name, "contains a '..' component") }
            if part.utf8.count > ArchivePath.maxComponentLength {
                throw ArchiveError.invalidName(
                    name, "has a path component longer than \(ArchivePath.maxComponentLength) bytes")
            }
            components.append(String(part))
        }
        if components.count > ArchivePath.maxComponents {
            throw ArchiveError.invalidName(name, "has more than \(ArchivePath.maxComponents) path components")
        }
        self.components = components
    }

    /// Validates and normalises `name`, returning the relative path string (`""` for the root).
    public static func normalize(_ name: String) throws -> String {
        try ArchivePath(name).string
    }

    /// The normalised relative path, e.g. `src/main.py` (`""` for the root).
    public var string: String { components.joined(separator: "/") }

    /// True when the name denotes the extraction root itself (e.g. the `./` entry).
    public var isRoot: Bool { components.isEmpty }

    /// The components of the containing directory (empty for top-level entries).
    public var parentComponents: ArraySlice<String> { components.dropLast() }

    public var description: String { string }
}
