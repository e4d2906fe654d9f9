import Foundation

/// The metadata of one tar entry, after GNU long-name and PAX extended headers were applied.
///
/// `path` and `linkTarget` are exactly what the archive says; they are **not** validated.
/// Run entries through ``ArchiveValidator`` (or ``ArchivePath`` / ``ArchiveLinkPolicy``)
/// before touching the file system.
public struct TarEntryHeader: Sendable, Hashable {
    /// The entry name as recorded (ustar `prefix/name`, GNU long name or PAX `path`).
    public var path: String
    /// The entry type.
    public var kind: TarEntryKind
    /// Number of content bytes that follow (always 0 for kinds without contents).
    public var size: Int64
    /// Permission bits (`0o7777` mask) from the header.
    public var mode: UInt32
    /// Link target for symbolic and hard links (`nil` for other kinds).
    public var linkTarget: String?
    /// Modification time from the header, if it could be parsed.
    public var modificationTime: Date?

    public init(
        path: String, kind: TarEntryKind, size: Int64 = 0, mode: UInt32 = 0o644,
        linkTarget: String? = nil, modificationTime: Date? = nil
    ) {
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.linkTarget = linkTarget
        self.modificationTime = modificationTime
    }
}
