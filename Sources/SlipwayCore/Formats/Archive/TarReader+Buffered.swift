import Foundation

extension TarReader {
    /// Parses a whole uncompressed tar archive held in memory.
    ///
    /// Entries are returned in archive order, duplicates included. Names are not validated:
    /// use ``ArchiveValidator`` before extracting.
    public static func entries(in data: Data) throws -> [TarEntry] {
        try entries(in: [UInt8](data))
    }

    /// Parses a whole uncompressed tar archive held in memory.
    public static func entries(in bytes: [UInt8]) throws -> [TarEntry] {
        var reader = TarReader()
        var entries: [TarEntry] = []
        var current: TarEntry?
        var events = try reader.append(bytes)
        events += try reader.finish()
        for event in events {
            switch event {
            case .entry(let header):
                current = TarEntry(header: header)
                current?.contents.reserveCapacity(Int(clamping: header.size))
            case .data(let chunk):
                current?.contents.append(contentsOf: chunk)
            case .entryEnd:
                if let entry = current { entries.append(entry) }
                current = nil
            case .end:
                break
            }
        }
        return entries
    }
}
