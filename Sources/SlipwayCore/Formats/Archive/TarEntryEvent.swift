/// One step of streaming tar parsing, produced by ``TarReader/append(_:)``.
///
/// For every entry the reader emits `.entry`, then (regular files only) zero or more `.data`
/// chunks whose sizes add up to `header.size`, then `.entryEnd`. `.end` is emitted once, when
/// the end-of-archive marker is seen or ``TarReader/finish()`` is called at a clean boundary.
public enum TarEntryEvent: Sendable, Hashable {
    /// The header of the next entry.
    case entry(TarEntryHeader)
    /// A chunk of the current regular file's contents.
    case data([UInt8])
    /// The current entry is complete.
    case entryEnd
    /// The archive is complete; further input is ignored.
    case end
}
