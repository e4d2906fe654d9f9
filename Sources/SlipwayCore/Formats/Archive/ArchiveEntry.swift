/// An archive entry that passed ``ArchiveValidator`` and may be extracted under the root.
public struct ArchiveEntry: Sendable, Hashable {
    /// The normalised, root-relative path (e.g. `src/main.py`).
    public let path: String
    /// The entry type: `.regularFile`, `.directory`, `.symbolicLink` or `.hardLink`.
    public let kind: TarEntryKind
    /// Content size in bytes (regular files only).
    public let size: Int64
    /// Permission bits from the header.
    public let mode: UInt32
    /// For a symbolic link, the target exactly as recorded (verified to stay inside the root);
    /// for a hard link, the normalised root-relative path of the earlier file; otherwise nil.
    public let linkTarget: String?

    public init(path: String, kind: TarEntryKind, size: Int64 = 0, mode: UInt32 = 0o644, linkTarget: String? = nil) {
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.linkTarget = linkTarget
    }
}
