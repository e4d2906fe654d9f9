import Foundation

/// Writes a ZIP archive of stored (uncompressed) entries as a stream: each entry's local
/// header, its bytes as they come, then a data descriptor with its CRC-32 and size; the
/// central directory at the end. Because entries are stored, an entry's bytes are a plain
/// range of the archive (`Entry.dataOffset`, `size`), so a reader can serve one file without
/// unpacking. Sizes are limited to 4 GiB − 1 and 65,535 entries (no ZIP64).
public struct StoredZipWriter: Sendable {
    /// One written entry: its name, where its bytes start in the archive, its size and CRC-32.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var dataOffset: Int64
        public var size: Int64
        public var crc32: UInt32
        var headerOffset: Int64
    }

    public private(set) var entries: [Entry] = []
    /// Bytes emitted so far.
    public private(set) var offset: Int64 = 0
    private var current: (name: String, headerOffset: Int64, dataOffset: Int64, crc: CRC32, size: Int64)?

    public init() {}

    static let maxSize = Int64(UInt32.max) - 1

    /// Starts entry `name` (a relative `/`-separated path); returns the local header to emit.
    public mutating func begin(_ name: String) throws(SlipwayError) -> Data {
        guard current == nil else { throw .internal("a ZIP entry is already open") }
        guard entries.count < 65_535 else { throw .tooLarge("a model folder is limited to 65,535 files") }
        let nameBytes = Data(name.utf8)
        var header = Data()
        header.appendLE(UInt32(0x0403_4b50))
        header.appendLE(UInt16(20))          // version needed
        header.appendLE(UInt16(0x0808))      // data descriptor follows; UTF-8 names
        header.appendLE(UInt16(0))           // stored
        header.appendLE(UInt16(0))           // time
        header.appendLE(UInt16(0x21))        // date: 1980-01-01
        header.appendLE(UInt32(0))           // CRC (in the descriptor)
        header.appendLE(UInt32(0))           // sizes (in the descriptor)
        header.appendLE(UInt32(0))
        header.appendLE(UInt16(nameBytes.count))
        header.appendLE(UInt16(0))
        header.append(nameBytes)
        current = (name, offset, offset + Int64(header.count), CRC32(), 0)
        offset += Int64(header.count)
        return header
    }

    /// Accounts for a chunk of the open entry's bytes (the caller emits the chunk itself).
    public mutating func add(_ chunk: Data) throws(SlipwayError) {
        guard current != nil else { throw .internal("no ZIP entry is open") }
        current!.crc.update(chunk)
        current!.size += Int64(chunk.count)
        offset += Int64(chunk.count)
        guard current!.size <= Self.maxSize, offset <= Self.maxSize else { throw .tooLarge("a model archive is limited to 4 GiB") }
    }

    /// Ends the open entry; returns its data descriptor to emit.
    public mutating func end() throws(SlipwayError) -> Data {
        guard let open = current else { throw .internal("no ZIP entry is open") }
        var descriptor = Data()
        descriptor.appendLE(UInt32(0x0807_4b50))
        descriptor.appendLE(open.crc.value)
        descriptor.appendLE(UInt32(open.size))
        descriptor.appendLE(UInt32(open.size))
        entries.append(Entry(name: open.name, dataOffset: open.dataOffset, size: open.size, crc32: open.crc.value,
                             headerOffset: open.headerOffset))
        current = nil
        offset += Int64(descriptor.count)
        return descriptor
    }

    /// The central directory and its end record, to emit last.
    public mutating func finish() throws(SlipwayError) -> Data {
        guard current == nil else { throw .internal("a ZIP entry is still open") }
        var directory = Data()
        for entry in entries {
            let nameBytes = Data(entry.name.utf8)
            directory.appendLE(UInt32(0x0201_4b50))
            directory.appendLE(UInt16(0x031E))   // made by: Unix, 3.0
            directory.appendLE(UInt16(20))
            directory.appendLE(UInt16(0x0808))
            directory.appendLE(UInt16(0))
            directory.appendLE(UInt16(0))
            directory.appendLE(UInt16(0x21))
            directory.appendLE(entry.crc32)
            directory.appendLE(UInt32(entry.size))
            directory.appendLE(UInt32(entry.size))
            directory.appendLE(UInt16(nameBytes.count))
            directory.appendLE(UInt16(0))        // extra
            directory.appendLE(UInt16(0))        // comment
            directory.appendLE(UInt16(0))        // disk
            directory.appendLE(UInt16(0))        // internal attributes
            directory.appendLE(UInt32(0o100644) << 16)
            directory.appendLE(UInt32(entry.headerOffset))
            directory.append(nameBytes)
        }
        let start = offset
        guard start + Int64(directory.count) <= Self.maxSize else { throw .tooLarge("a model archive is limited to 4 GiB") }
        directory.appendLE(UInt32(0x0605_4b50))
        directory.appendLE(UInt16(0))
        directory.appendLE(UInt16(0))
        directory.appendLE(UInt16(entries.count))
        directory.appendLE(UInt16(entries.count))
        directory.appendLE(UInt32(directory.count - 4 - 2 - 2 - 2 - 2))
        directory.appendLE(UInt32(start))
        directory.appendLE(UInt16(0))
        offset += Int64(directory.count)
        return directory
    }
}

extension Data {
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
