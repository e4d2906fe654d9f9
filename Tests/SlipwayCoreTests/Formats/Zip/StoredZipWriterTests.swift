import Foundation
import Testing

@testable import SlipwayCore

@Suite("StoredZipWriter")
struct StoredZipWriterTests {
    @Test func crc32MatchesTheStandardCheckValue() {
        var crc = CRC32()
        crc.update(Data("1234".utf8))
        crc.update(Data("56789".utf8))
        #expect(crc.value == 0xCBF4_3926)
    }

    @Test func entriesAreByteRangesOfTheArchive() throws {
        var zip = StoredZipWriter()
        var archive = Data()
        let files: [(String, Data)] = [("MLmodel", Data("flavors: {}\n".utf8)), ("dir/model.pkl", Data(repeating: 7, count: 1000))]
        for (name, content) in files {
            archive.append(try zip.begin(name))
            try zip.add(content.prefix(10))
            try zip.add(content.dropFirst(10))
            archive.append(content)
            archive.append(try zip.end())
        }
        archive.append(try zip.finish())
        #expect(zip.offset == Int64(archive.count))
        for (entry, (name, content)) in zip.entries.map({ $0 }).enumerated().map({ ($0.element, files[$0.offset]) }) {
            #expect(entry.name == name)
            #expect(archive.subdata(in: Int(entry.dataOffset)..<Int(entry.dataOffset + entry.size)) == content)
        }
        // The end record names both entries and where the central directory starts.
        let end = archive.suffix(22)
        #expect(Array(end.prefix(4)) == [0x50, 0x4b, 0x05, 0x06])
        #expect(end[end.startIndex + 10] == 2)
    }

    @Test func entriesMustBeOpenedAndClosedInTurn() {
        var zip = StoredZipWriter()
        #expect(throws: SlipwayError.self) { try zip.add(Data([1])) }
        #expect(throws: SlipwayError.self) { _ = try zip.end() }
        _ = try? zip.begin("a")
        #expect(throws: SlipwayError.self) { _ = try zip.begin("b") }
        #expect(throws: SlipwayError.self) { _ = try zip.finish() }
    }
}
