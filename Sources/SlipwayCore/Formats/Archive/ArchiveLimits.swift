/// Size and count limits applied to an uploaded archive by ``ArchiveValidator``.
public struct ArchiveLimits: Sendable, Hashable {
    /// Largest total size of all regular files, uncompressed, in bytes.
    public var maxTotalBytes: Int64
    /// Largest number of entries (files, directories and links).
    public var maxEntries: Int

    public init(maxTotalBytes: Int64 = 50 * 1024 * 1024, maxEntries: Int = 10_000) {
        self.maxTotalBytes = maxTotalBytes
        self.maxEntries = maxEntries
    }

    /// 50 MB of file contents and 10,000 entries.
    public static let `default` = ArchiveLimits()
}
