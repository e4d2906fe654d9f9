import Foundation

/// An incremental parser for **uncompressed** tar streams (ustar/POSIX, GNU and PAX).
///
/// Feed bytes as they arrive (for example from a gunzip stream) with ``append(_:)`` and act
/// on the returned events; call ``finish()`` at end of input. Memory use is bounded by one
/// header block plus the largest extended header (``maxExtendedHeaderSize``): file contents
/// are passed through as `.data` chunks and never accumulated.
///
/// Supported: ustar `prefix`, GNU long names/links (`L`/`K`), PAX per-file (`x`) and global
/// (`g`) headers (`path`, `linkpath` and `size` are honoured, other keys ignored), octal and
/// base-256 numeric fields, header checksums, and end of archive either by a zero block or by
/// plain end of input. The reader only parses: names are not validated and no limits other
/// than the extended-header caps apply — pair it with ``ArchiveValidator``.
public struct TarReader: Sendable {
    /// Tar block size in bytes.
    public static let blockSize = 512
    /// Largest accepted GNU long-name or PAX extended header payload.
    public static let maxExtendedHeaderSize = 1 << 20
    /// Largest number of extended headers that may precede one entry.
    public static let maxConsecutiveExtendedHeaders = 16

    private enum Extended: Sendable {
        case longName, longLink, paxLocal, paxGlobal
    }

    private enum State: Sendable {
        case header
        case contents(remaining: Int64, padding: Int)
        case skip(remaining: Int64)
        case extended(Extended, remaining: Int, padding: Int, buffer: [UInt8])
        case finished
    }

    private var state: State = .header
    private var partialBlock: [UInt8] = []
    private var longName: String?
    private var longLink: String?
    private var paxLocal: [String: String] = [:]
    private var paxGlobal: [String: String] = [:]
    private var extendedCount = 0
    private var sawHeader = false
    private var headerOffset: Int64 = 0

    /// Number of input bytes consumed so far.
    public private(set) var offset: Int64 = 0

    /// True once the end of the archive was reached (further input is ignored).
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Creates a reader positioned at the start of an archive.
    public init() {}

    /// Consumes the next bytes of the archive and returns the events they complete.
    /// - Throws: ``ArchiveError`` on a corrupt header; the reader must not be used afterwards.
    public mutating func append(_ bytes: some Collection<UInt8>) throws -> [TarEntryEvent] {
        var events: [TarEntryEvent] = []
        if let done = try bytes.withContiguousStorageIfAvailable({ buffer in
            try consume(buffer, into: &events)
        }) {
            _ = done
        } else {
            let copy = Array(bytes)
            try copy.withUnsafeBufferPointer { try consume($0, into: &events) }
        }
        return events
    }

    /// Signals end of input. Returns `.end` if the archive stopped at an entry boundary
    /// without an end-of-archive marker (accepted), or nothing if `.end` was already emitted.
    /// - Throws: ``ArchiveError`` if the input stopped in the middle of an entry.
    public mutating func finish() throws -> [TarEntryEvent] {
        switch state {
        case .finished:
            return []
        case .header where partialBlock.isEmpty:
            if longName != nil || longLink != nil || !paxLocal.isEmpty || extendedCount > 0 {
                throw ArchiveError.danglingExtendedHeader
            }
            state = .finished
            return [.end]
        default:
            throw ArchiveError.truncated
        }
    }

    // MARK: - Parsing

    private mutating func consume(_ input: UnsafeBufferPointer<UInt8>, into events: inout [TarEntryEvent]) throws {
        var index = 0
        let count = input.count
        while true {
            let available = count - index
            switch state {
            case .finished:
                offset += Int64(available)
                return

            case .header:
                let needed = TarReader.blockSize - partialBlock.count
                guard available >= needed else {
                    partialBlock.append(contentsOf: input[index..<count])
                    offset += Int64(available)
                    return
                }
                var block = partialBlock
                block.append(contentsOf: input[index..<(index + needed)])
                partialBlock.removeAll(keepingCapacity: true)
                headerOffset = offset - Int64(block.count - needed)
                index += needed
                offset += Int64(needed)
                try handleHeader(block, events: &events)

            case .contents(let remaining, let padding):
                if remaining == 0 {
                    events.append(.entryEnd)
                    state = padding > 0 ? .skip(remaining: Int64(padding)) : .header
                    continue
                }
                guard available > 0 else { return }
                let take = Int(min(remaining, Int64(available)))
                events.append(.data(Array(input[index..<(index + take)])))
                index += take
                offset += Int64(take)
                state = .contents(remaining: remaining - Int64(take), padding: padding)

            case .skip(let remaining):
                if remaining == 0 {
                    state = .header
                    continue
                }
                guard available > 0 else { return }
                let take = Int(min(remaining, Int64(available)))
                index += take
                offset += Int64(take)
                state = .skip(remaining: remaining - Int64(take))

            case .extended(let kind, let remaining, let padding, var buffer):
                if remaining == 0 {
                    try applyExtended(kind, buffer)
                    state = padding > 0 ? .skip(remaining: Int64(padding)) : .header
                    continue
                }
                guard available > 0 else { return }
                let take = min(remaining, available)
                state = .finished  // release `buffer`'s storage from `state` before appending
                buffer.append(contentsOf: input[index..<(index + take)])
                index += take
                offset += Int64(take)
                state = .extended(kind, remaining: remaining - take, padding: padding, buffer: buffer)
            }
        }
    }

    private mutating func handleHeader(_ block: [UInt8], events: inout [TarEntryEvent]) throws {
        if block.allSatisfy({ $0 == 0 }) {
            // End-of-archive marker. Like GNU tar and Python's tarfile, a single zero block
            // ends the archive; the second one and any record padding are ignored.
            if longName != nil || longLink != nil || !paxLocal.isEmpty || extendedCount > 0 {
                throw ArchiveError.danglingExtendedHeader
            }
            state = .finished
            events.append(.end)
            return
        }
        try verifyChecksum(block)
        sawHeader = true

        let typeflag = block[156]
        guard var size = TarReader.parseNumber(block[124..<136]), size >= 0 else {
            throw ArchiveError.invalidHeaderField("size", offset: headerOffset)
        }

        switch typeflag {
        case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"):
            extendedCount += 1
            if extendedCount > TarReader.maxConsecutiveExtendedHeaders {
                throw ArchiveError.tooManyExtendedHeaders(limit: TarReader.maxConsecutiveExtendedHeaders)
            }
            if size > Int64(TarReader.maxExtendedHeaderSize) {
                throw ArchiveError.extendedHeaderTooLarge(limit: TarReader.maxExtendedHeaderSize)
            }
            let kind: Extended =
                switch typeflag {
                case UInt8(ascii: "L"): .longName
                case UInt8(ascii: "K"): .longLink
                case UInt8(ascii: "x"): .paxLocal
                default: .paxGlobal
                }
            let length = Int(size)
            state = .extended(kind, remaining: length, padding: TarReader.padding(for: Int64(length)), buffer: [])
            return
        default:
            break
        }

        // Regular header: resolve the name from PAX, GNU long name, or ustar prefix + name.
        let isPOSIX = block[257..<263].elementsEqual("ustar\0".utf8)
        var name = try decodeName(TarReader.cString(block[0..<100]))
        if isPOSIX {
            let prefix = try decodeName(TarReader.cString(block[345..<500]))
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        var link = try decodeName(TarReader.cString(block[157..<257]))
        if let longName { name = longName }
        if let longLink { link = longLink }
        if let path = paxValue("path") { name = path }
        if let linkpath = paxValue("linkpath") { link = linkpath }
        if let paxSize = paxValue("size") {
            guard let value = Int64(paxSize), value >= 0 else { throw ArchiveError.malformedPAX(offset: headerOffset) }
            size = value
        }

        var kind = TarEntryKind(typeflag: typeflag)
        if typeflag == 0, name.hasSuffix("/") { kind = .directory }  // pre-POSIX directory entry

        let mode = TarReader.parseNumber(block[100..<108]).map { UInt32(truncatingIfNeeded: $0) & 0o7777 } ?? 0
        let mtime = TarReader.parseNumber(block[136..<148]).map { Date(timeIntervalSince1970: TimeInterval($0)) }

        let isLink = kind == .symbolicLink || kind == .hardLink
        let header = TarEntryHeader(
            path: name, kind: kind, size: kind.hasContents ? size : 0, mode: mode,
            linkTarget: isLink ? link : nil, modificationTime: mtime)

        longName = nil
        longLink = nil
        paxLocal = [:]
        extendedCount = 0

        events.append(.entry(header))
        switch kind {
        case .regularFile:
            state = .contents(remaining: size, padding: TarReader.padding(for: size))
        case .other:
            // Unknown types (e.g. GNU sparse files) may carry data: skip it.
            events.append(.entryEnd)
            state = size > 0 ? .skip(remaining: size + Int64(TarReader.padding(for: size))) : .header
        default:
            // Directories, links, devices and FIFOs never carry data (size is ignored).
            events.append(.entryEnd)
            state = .header
        }
    }

    private mutating func applyExtended(_ kind: Extended, _ data: [UInt8]) throws {
        switch kind {
        case .longName:
            longName = try decodeName(TarReader.cString(data[...]))
        case .longLink:
            longLink = try decodeName(TarReader.cString(data[...]))
        case .paxLocal:
            for (key, value) in try parsePAX(data) { paxLocal[key] = value }
        case .paxGlobal:
            for (key, value) in try parsePAX(data) {
                paxGlobal[key] = value.isEmpty ? nil : value
            }
        }
    }

    /// A per-file PAX value overrides a global one; an empty per-file value deletes it.
    private func paxValue(_ key: String) -> String? {
        if let local = paxLocal[key] { return local.isEmpty ? nil : local }
        return paxGlobal[key]
    }

    /// Parses PAX records: `"<length> <key>=<value>\n"`, the length counting the whole record.
    private func parsePAX(_ data: [UInt8]) throws -> [(String, String)] {
        var records: [(String, String)] = []
        var index = 0
        while index < data.count {
            if data[index] == 0 { break }  // some writers pad with NULs
            var length = 0
            var cursor = index
            while cursor < data.count, data[cursor] != UInt8(ascii: " ") {
                let digit = data[cursor]
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit), length < 100_000_000 else {
                    throw ArchiveError.malformedPAX(offset: headerOffset)
                }
                length = length * 10 + Int(digit - UInt8(ascii: "0"))
                cursor += 1
            }
            let end = index + length
            guard cursor > index, cursor < end, end <= data.count, data[end - 1] == UInt8(ascii: "\n") else {
                throw ArchiveError.malformedPAX(offset: headerOffset)
            }
            let record = data[(cursor + 1)..<(end - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")), equals > record.startIndex else {
                throw ArchiveError.malformedPAX(offset: headerOffset)
            }
            guard let key = String(validating: record[record.startIndex..<equals], as: UTF8.self) else {
                throw ArchiveError.malformedPAX(offset: headerOffset)
            }
            let valueBytes = record[(equals + 1)...]
            if key == "path" || key == "linkpath" || key == "size" {
                guard let value = String(validating: valueBytes, as: UTF8.self) else {
                    throw ArchiveError.invalidUTF8(offset: headerOffset)
                }
                records.append((key, value))
            }
            index = end
        }
        return records
    }

    private func verifyChecksum(_ block: [UInt8]) throws {
        let first = !sawHeader && headerOffset == 0
        guard let stored = TarReader.parseNumber(block[148..<156]) else {
            throw ArchiveError.corruptHeader(offset: headerOffset, first: first)
        }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, byte) in block.enumerated() {
            let value = (148..<156).contains(i) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        guard stored == unsigned || stored == signed else {
            throw ArchiveError.corruptHeader(offset: headerOffset, first: first)
        }
    }

    private func decodeName(_ bytes: ArraySlice<UInt8>) throws -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw ArchiveError.invalidUTF8(offset: headerOffset)
        }
        return string
    }

    // MARK: - Field helpers

    static func padding(for size: Int64) -> Int {
        let remainder = Int(size % Int64(blockSize))
        return remainder == 0 ? 0 : blockSize - remainder
    }

    /// The bytes of a NUL-terminated field.
    static func cString(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if let nul = field.firstIndex(of: 0) { return field[field.startIndex..<nul] }
        return field
    }

    /// Parses a numeric header field: octal ASCII (optionally space/NUL padded) or GNU
    /// base-256 (high bit of the first byte set). Returns nil for malformed or negative values.
    static func parseNumber(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return 0 }
        if first & 0x80 != 0 {
            if first & 0x40 != 0 { return nil }  // negative base-256 value
            var value = Int64(first & 0x3F)
            for byte in field.dropFirst() {
                guard value <= (Int64.max >> 8) else { return nil }
                value = (value << 8) | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seenDigit = false
        var ended = false
        for byte in field {
            switch byte {
            case UInt8(ascii: " "), 0:
                if seenDigit { ended = true }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard !ended, value <= (Int64.max >> 3) else { return nil }
                value = value * 8 + Int64(byte - UInt8(ascii: "0"))
                seenDigit = true
            default:
                return nil
            }
        }
        return value
    }
}
