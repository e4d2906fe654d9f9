import Foundation

/// A fully buffered tar entry, as returned by ``TarReader/entries(in:)``.
public struct TarEntry: Sendable, Hashable {
    /// The entry's metadata.
    public var header: TarEntryHeader
    /// The file contents (empty for anything but regular files).
    public var contents: Data

    public init(header: TarEntryHeader, contents: Data = Data()) {
        self.header = header
        self.contents = contents
    }

    /// Shorthand for `header.path`.
    public var path: String { header.path }
    /// Shorthand for `header.kind`.
    public var kind: TarEntryKind { header.kind }
}
