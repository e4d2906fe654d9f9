import Foundation
import Testing

@testable import SlipwayCore

@Suite("TarReader")
struct TarReaderTests {
    private func string(_ entry: TarEntry) -> String { String(decoding: entry.contents, as: UTF8.self) }

    @Test func readsFilesAndDirectories() throws {
        var tar = TarTestBuilder()
        tar.directory("./")
        tar.directory("src/")
        tar.file("src/main.py", "print('hi')\n")
        tar.file("README.md", "")
        tar.file("data.bin", [UInt8](repeating: 7, count: 1300))
        tar.end()

        let entries = try TarReader.entries(in: Data(tar.bytes))
        #expect(entries.map(\.path) == ["./", "src/", "src/main.py", "README.md", "data.bin"])
        #expect(entries.map(\.kind) == [.directory, .directory, .regularFile, .regularFile, .regularFile])
        #expect(string(entries[2]) == "print('hi')\n")
        #expect(entries[2].header.size == 12)
        #expect(entries[2].header.mode == 0o644)
        #expect(entries[2].header.modificationTime == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(entries[3].contents.isEmpty)
        #expect(entries[4].contents == Data(repeating: 7, count: 1300))
    }

    @Test func streamingByteByByteMatchesWholeBuffer() throws {
        var tar = TarTestBuilder()
        tar.pax([("path", "pax/" + String(repeating: "p", count: 150))])
        tar.file("ignored", "pax body")
        tar.gnuLong("gnu/" + String(repeating: "g", count: 150))
        tar.file("ignored", [UInt8](repeating: 1, count: 700), format: .gnu)
        tar.symlink("link", to: "target")
        tar.end()
        tar.raw([UInt8](repeating: 0, count: 4096))  // record padding after the end marker

        var reader = TarReader()
        var events: [TarEntryEvent] = []
        for byte in tar.bytes { events += try reader.append(CollectionOfOne(byte)) }
        events += try reader.finish()

        var chunked = TarReader()
        var chunkedEvents: [TarEntryEvent] = []
        var index = 0
        for size in [1, 511, 2, 1000, 37].cycled(until: tar.bytes.count) {
            let end = min(index + size, tar.bytes.count)
            chunkedEvents += try chunked.append(tar.bytes[index..<end])
            index = end
        }
        chunkedEvents += try chunked.finish()

        func coalesce(_ events: [TarEntryEvent]) -> [TarEntryEvent] {
            var out: [TarEntryEvent] = []
            for event in events {
                if case .data(let chunk) = event, case .data(let previous)? = out.last {
                    out[out.count - 1] = .data(previous + chunk)
                } else {
                    out.append(event)
                }
            }
            return out
        }
        let whole = try TarReader.entries(in: tar.bytes)
        #expect(whole.map(\.path) == [
            "pax/" + String(repeating: "p", count: 150), "gnu/" + String(repeating: "g", count: 150), "link",
        ])
        #expect(coalesce(events) == coalesce(chunkedEvents))
        #expect(coalesce(events) == [
            .entry(whole[0].header), .data(Array("pax body".utf8)), .entryEnd,
            .entry(whole[1].header), .data([UInt8](repeating: 1, count: 700)), .entryEnd,
            .entry(whole[2].header), .entryEnd,
            .end,
        ])
        #expect(reader.isFinished)
        #expect(reader.offset == Int64(tar.bytes.count))
    }

    @Test func longNameViaGNUAndPAXAndPrefix() throws {
        let long = "src/" + String(repeating: "a", count: 90) + "/" + String(repeating: "b", count: 96) + ".py"
        #expect(long.utf8.count > 100)
        var tar = TarTestBuilder()
        tar.gnuLong(long)
        tar.file(String(long.prefix(99)), "gnu", format: .gnu)
        tar.pax([("path", long), ("mtime", "1700000000.5"), ("comment", "ignored")])
        tar.file(String(long.prefix(99)), "pax")
        tar.file(String(repeating: "b", count: 96) + ".py", "prefix", prefix: "src/" + String(repeating: "a", count: 90))
        tar.end()

        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.path) == [long, long, long])
        #expect(entries.map { string($0) } == ["gnu", "pax", "prefix"])
        #expect(try ArchivePath.normalize(entries[0].path) == long)
    }

    @Test func gnuFormatIgnoresPrefixArea() throws {
        // GNU headers keep atime/ctime where POSIX has `prefix`; it must not be read as a prefix.
        var block = TarTestBuilder.block(name: "file.txt", typeflag: "0", size: 0, format: .gnu)
        for i in 345..<357 { block[i] = UInt8(ascii: "1") }
        for i in 148..<156 { block[i] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        let checksum = Array(String(format: "%06o", sum).utf8) + [0, 32]
        for (i, b) in checksum.enumerated() { block[148 + i] = b }
        let entries = try TarReader.entries(in: block)
        #expect(entries.map(\.path) == ["file.txt"])
    }

    @Test func paxLinkpathAndGNULongLink() throws {
        let target = String(repeating: "t", count: 150)
        var tar = TarTestBuilder()
        tar.pax([("linkpath", target)])
        tar.symlink("viaPax", to: "short")
        tar.gnuLong(target, typeflag: "K")
        tar.symlink("viaGNU", to: "short")
        tar.symlink("plain", to: "short")
        tar.end()
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.header.linkTarget) == [target, target, "short"])
    }

    @Test func paxGlobalHeaderAppliesUntilOverridden() throws {
        var tar = TarTestBuilder()
        tar.pax([("linkpath", "global-target")], global: true)
        tar.symlink("a", to: "x")
        tar.pax([("linkpath", "local-target")])
        tar.symlink("b", to: "x")
        tar.pax([("linkpath", "")])  // an empty local value deletes the global one
        tar.symlink("c", to: "x")
        tar.end()
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.header.linkTarget) == ["global-target", "local-target", "x"])
    }

    @Test func paxSizeOverridesHeaderSize() throws {
        var tar = TarTestBuilder()
        tar.pax([("size", "5")])
        tar.raw(TarTestBuilder.block(name: "big", typeflag: "0", size: 0))
        tar.raw(TarTestBuilder.padded(Array("hello".utf8)))
        tar.file("next", "n")
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.path) == ["big", "next"])
        #expect(string(entries[0]) == "hello")
    }

    @Test func base256Size() throws {
        var tar = TarTestBuilder()
        tar.file("b256", [UInt8](repeating: 9, count: 600), base256Size: true)
        tar.end()
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.count == 1)
        #expect(entries[0].header.size == 600)
        #expect(entries[0].contents.count == 600)
    }

    @Test func numericFieldParsing() {
        func parse(_ s: [UInt8]) -> Int64? { TarReader.parseNumber(s[...]) }
        #expect(parse(Array("00000000644\0".utf8)) == 0o644)
        #expect(parse(Array("    644 \0".utf8)) == 0o644)
        #expect(parse([0, 0, 0, 0]) == 0)
        #expect(parse(Array("0009".utf8)) == nil)
        #expect(parse(Array("12 34".utf8)) == nil)
        #expect(parse(TarTestBuilder.base256(8_589_934_592, width: 12)) == 8_589_934_592)
        #expect(parse([0xFF] + [UInt8](repeating: 0xFF, count: 11)) == nil)  // negative
    }

    @Test func reportsSpecialEntries() throws {
        var tar = TarTestBuilder()
        tar.special("dev/null", typeflag: "3")
        tar.special("dev/sda", typeflag: "4")
        tar.special("pipe", typeflag: "6")
        tar.hardLink("hard", to: "dev/null")
        tar.special("vol", typeflag: "V")
        tar.file("after", "ok")
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.kind) == [
            .characterDevice, .blockDevice, .fifo, .hardLink, .other(typeflag: UInt8(ascii: "V")), .regularFile,
        ])
        #expect(string(entries[5]) == "ok")
    }

    @Test func unknownTypeDataIsSkipped() throws {
        var tar = TarTestBuilder()
        tar.file("sparse", [UInt8](repeating: 3, count: 900), typeflag: "S")
        tar.file("after", "ok")
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.path) == ["sparse", "after"])
        #expect(entries[0].contents.isEmpty)
        #expect(string(entries[1]) == "ok")
    }

    @Test func oldStyleDirectoryAndContiguousFile() throws {
        var tar = TarTestBuilder()
        tar.raw(TarTestBuilder.block(name: "olddir/", typeflag: "\0", size: 0, format: .v7))
        tar.file("contig", "c", typeflag: "7")
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.kind) == [.directory, .regularFile])
    }

    @Test func acceptsMissingEndOfArchive() throws {
        var tar = TarTestBuilder()
        tar.file("a.txt", "a")
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map(\.path) == ["a.txt"])
        #expect(try TarReader.entries(in: []).isEmpty)
    }

    @Test func singleZeroBlockEndsArchive() throws {
        var tar = TarTestBuilder()
        tar.file("a.txt", "a")
        tar.raw([UInt8](repeating: 0, count: 512))
        tar.raw([1, 2, 3])  // garbage after the marker is ignored
        #expect(try TarReader.entries(in: tar.bytes).map(\.path) == ["a.txt"])
    }

    @Test func rejectsBadChecksum() throws {
        var tar = TarTestBuilder()
        tar.file("good", "g")
        tar.file("bad", "b", corruptChecksum: true)
        let error = #expect(throws: ArchiveError.self) { try TarReader.entries(in: tar.bytes) }
        #expect(error?.message == "the tar archive is corrupted: header checksum mismatch at byte offset 1024")

        let notTar = #expect(throws: ArchiveError.self) {
            try TarReader.entries(in: [UInt8](repeating: 0x1F, count: 600))
        }
        #expect(notTar?.message.contains("not a valid tar archive") == true)
    }

    @Test func rejectsTruncatedArchives() throws {
        var tar = TarTestBuilder()
        tar.file("a.txt", [UInt8](repeating: 65, count: 1000))
        tar.end()
        for cut in [100, 512, 700, 1024, 1500] {
            let error = #expect(throws: ArchiveError.self) { try TarReader.entries(in: Array(tar.bytes.prefix(cut))) }
            #expect(error?.message == "the tar archive is truncated: it ended in the middle of an entry")
        }

        var streaming = TarReader()
        let events = try streaming.append(tar.bytes.prefix(800))
        #expect(events.count == 2)  // header + first data chunk arrive before the cut
        #expect(throws: ArchiveError.truncated) { try streaming.finish() }
    }

    @Test func rejectsDanglingExtendedHeader() throws {
        var tar = TarTestBuilder()
        tar.gnuLong("long-name")
        #expect(throws: ArchiveError.danglingExtendedHeader) { try TarReader.entries(in: tar.bytes) }
        tar.end()
        #expect(throws: ArchiveError.danglingExtendedHeader) { try TarReader.entries(in: tar.bytes) }
    }

    @Test func rejectsMalformedPAX() throws {
        var tar = TarTestBuilder()
        let data = Array("99 path=x\n".utf8)
        tar.raw(TarTestBuilder.block(name: "pax", typeflag: "x", size: data.count))
        tar.raw(TarTestBuilder.padded(data))
        tar.file("f", "f")
        let error = #expect(throws: ArchiveError.self) { try TarReader.entries(in: tar.bytes) }
        #expect(error?.message.contains("malformed PAX extended header") == true)
    }

    @Test func rejectsOversizedExtendedHeader() throws {
        let block = TarTestBuilder.block(name: "pax", typeflag: "x", size: TarReader.maxExtendedHeaderSize + 1)
        var reader = TarReader()
        let error = #expect(throws: ArchiveError.self) { _ = try reader.append(block) }
        #expect(error?.exceedsLimit == true)
    }

    @Test func rejectsInvalidUTF8Names() throws {
        var tar = TarTestBuilder()
        tar.gnuLong("x")
        var data = tar.bytes
        data[512] = 0xFF  // first byte of the long name
        let error = #expect(throws: ArchiveError.self) { try TarReader.entries(in: data + TarTestBuilder.block(name: "f", typeflag: "0", size: 0)) }
        #expect(error?.message.contains("not valid UTF-8") == true)
    }

    @Test func duplicateEntriesAreReportedInOrder() throws {
        var tar = TarTestBuilder()
        tar.file("a.txt", "first")
        tar.file("a.txt", "second")
        tar.end()
        let entries = try TarReader.entries(in: tar.bytes)
        #expect(entries.map { string($0) } == ["first", "second"])
    }
}

extension Array where Element == Int {
    /// Repeats the sizes until they add up to at least `total`.
    fileprivate func cycled(until total: Int) -> [Int] {
        var out: [Int] = []
        var sum = 0
        while sum < total {
            for size in self where sum < total {
                out.append(size)
                sum += size
            }
        }
        return out
    }
}
