import Crypto
import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

@Suite("FileBlobStore")
struct FileBlobStoreTests {
    func withBlobs(_ body: (FileBlobStore, URL) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try body(try FileBlobStore(root: root), root)
    }

    func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func temporaryFiles(_ root: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)
    }

    @Test func writerCommit() throws {
        try withBlobs { blobs, root throws in
            let writer = try blobs.makeWriter()
            let part1 = Data("hello ".utf8), part2 = Data(repeating: 0x41, count: 100_000)
            try writer.write(part1)
            try writer.write(part2)
            #expect(writer.bytesWritten == Int64(part1.count + part2.count))
            let info = try writer.commit()
            #expect(info.size == Int64(part1.count + part2.count))
            #expect(info.sha256 == hex(part1 + part2))
            #expect(try blobs.size(of: info.key) == info.size)
            let url = try #require(try blobs.localURL(for: info.key))
            #expect(try Data(contentsOf: url) == part1 + part2)
            #expect(url.path.hasPrefix(root.path))
            #expect(try temporaryFiles(root).isEmpty)
            #expect(throws: (any Error).self) { try writer.write(Data("more".utf8)) }
            #expect(throws: (any Error).self) { _ = try writer.commit() }

            try blobs.delete(info.key)
            #expect(try blobs.localURL(for: info.key) == nil)
            #expect(try blobs.size(of: info.key) == nil)
            try blobs.delete(info.key) // deleting twice is harmless
        }
    }

    @Test func writerAbort() throws {
        try withBlobs { blobs, root throws in
            let writer = try blobs.makeWriter()
            try writer.write(Data("partial".utf8))
            #expect(try temporaryFiles(root).count == 1)
            writer.abort()
            #expect(try temporaryFiles(root).isEmpty)
            #expect(throws: (any Error).self) { try writer.write(Data("x".utf8)) }
        }
    }

    @Test func emptyBlob() throws {
        try withBlobs { blobs, _ throws in
            let info = try blobs.makeWriter().commit()
            #expect(info.size == 0)
            #expect(info.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        }
    }

    @Test func importFile() throws {
        try withBlobs { blobs, _ throws in
            let source = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
            let content = Data((0..<3_000_000).map { UInt8($0 % 251) })
            try content.write(to: source)
            let info = try blobs.importFile(at: source)
            #expect(info.size == Int64(content.count))
            #expect(info.sha256 == hex(content))
            #expect(!FileManager.default.fileExists(atPath: source.path), "the source is consumed")
            #expect(try Data(contentsOf: try #require(try blobs.localURL(for: info.key))) == content)

            let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
            #expect(throws: (any Error).self) { _ = try blobs.importFile(at: missing) }
        }
    }

    @Test(arguments: ["", "short", "../../etc/passwd", "ABCDEFGHIJ", "abcdefgh/ij", "abcdefgh.ij", "abcdefgh\u{0}"])
    func invalidKeysRejected(_ key: String) throws {
        try withBlobs { blobs, _ throws in
            #expect(throws: SlipwayError.self) { _ = try blobs.localURL(for: key) }
            // size(of:) and delete(_:) wrap the key check in `try?` (see report), so they
            // swallow the error; they must at least never reach a file outside the store.
            #expect((try? blobs.size(of: key)) ?? nil == nil)
            try? blobs.delete(key)
        }
    }

    @Test func deleteWithEscapingKeyTouchesNothing() throws {
        try withBlobs { blobs, root throws in
            let victim = root.deletingLastPathComponent().appendingPathComponent("victim-\(UUID().uuidString)")
            try Data("keep".utf8).write(to: victim)
            defer { try? FileManager.default.removeItem(at: victim) }
            try? blobs.delete("../" + victim.lastPathComponent)
            try? blobs.delete("../../" + victim.lastPathComponent)
            #expect(FileManager.default.fileExists(atPath: victim.path))
        }
    }

    @Test func unknownValidKey() throws {
        try withBlobs { blobs, _ throws in
            #expect(try blobs.localURL(for: "0123456789abcdef") == nil)
            #expect(try blobs.size(of: "0123456789abcdef") == nil)
        }
    }
}
