import Crypto
import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

@Suite("FileBlobStore")
struct FileBlobStoreTests {
    func withBlobs(_ body: (FileBlobStore, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-blobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await body(try FileBlobStore(root: root), root)
    }

    func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func temporaryFiles(_ root: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)
    }

    /// The whole content read through the streaming interface, or nil.
    func content(_ blobs: FileBlobStore, _ key: String) async throws -> Data? {
        guard let content = try await blobs.read(key) else { return nil }
        var data = Data()
        for try await chunk in content.chunks { data += chunk }
        #expect(Int64(data.count) == content.size)
        return data
    }

    @Test func writerCommit() async throws {
        try await withBlobs { blobs, root throws in
            let writer = try await blobs.makeWriter()
            let part1 = Data("hello ".utf8), part2 = Data(repeating: 0x41, count: 600_000)
            try await writer.write(part1)
            try await writer.write(part2)
            #expect(writer.bytesWritten == Int64(part1.count + part2.count))
            let info = try await writer.commit()
            #expect(info.size == Int64(part1.count + part2.count))
            #expect(info.sha256 == hex(part1 + part2))
            #expect(try await blobs.size(of: info.key) == info.size)
            #expect(try await content(blobs, info.key) == part1 + part2, "read back in several chunks")
            #expect(try temporaryFiles(root).isEmpty)
            await #expect(throws: (any Error).self) { try await writer.write(Data("more".utf8)) }
            await #expect(throws: (any Error).self) { _ = try await writer.commit() }

            try await blobs.delete(info.key)
            #expect(try await blobs.read(info.key) == nil)
            #expect(try await blobs.size(of: info.key) == nil)
            try await blobs.delete(info.key) // deleting twice is harmless
        }
    }

    @Test func writerAbort() async throws {
        try await withBlobs { blobs, root throws in
            let writer = try await blobs.makeWriter()
            try await writer.write(Data("partial".utf8))
            #expect(try temporaryFiles(root).count == 1)
            await writer.abort()
            #expect(try temporaryFiles(root).isEmpty)
            await #expect(throws: (any Error).self) { try await writer.write(Data("x".utf8)) }
        }
    }

    @Test func emptyBlob() async throws {
        try await withBlobs { blobs, _ throws in
            let info = try await blobs.makeWriter().commit()
            #expect(info.size == 0)
            #expect(info.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            #expect(try await content(blobs, info.key) == Data())
        }
    }

    @Test func importFile() async throws {
        try await withBlobs { blobs, _ throws in
            let source = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
            let data = Data((0..<3_000_000).map { UInt8($0 % 251) })
            try data.write(to: source)
            let info = try await blobs.importFile(at: source)
            #expect(info.size == Int64(data.count))
            #expect(info.sha256 == hex(data))
            #expect(!FileManager.default.fileExists(atPath: source.path), "the source is consumed")
            #expect(try await content(blobs, info.key) == data)

            let missing = FileManager.default.temporaryDirectory.appendingPathComponent("missing-\(UUID().uuidString)")
            await #expect(throws: (any Error).self) { _ = try await blobs.importFile(at: missing) }
        }
    }

    @Test func exportAndDuplicate() async throws {
        try await withBlobs { blobs, _ throws in
            let writer = try await blobs.makeWriter()
            try await writer.write(Data("payload".utf8))
            let info = try await writer.commit()

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let exported = folder.appendingPathComponent("in.txt")
            try await blobs.export(info.key, to: exported)
            #expect(try Data(contentsOf: exported) == Data("payload".utf8))
            // The exported file is the caller's: changing it leaves the blob as stored.
            try Data("changed".utf8).write(to: exported)
            #expect(try await content(blobs, info.key) == Data("payload".utf8))

            let copy = try await blobs.duplicate(info.key)
            #expect(copy.key != info.key)
            #expect(copy.sha256 == info.sha256 && copy.size == info.size)
            try await blobs.delete(info.key)
            #expect(try await content(blobs, copy.key) == Data("payload".utf8), "a duplicate outlives its source")

            await #expect(throws: (any Error).self) { try await blobs.export(info.key, to: folder.appendingPathComponent("x")) }
            await #expect(throws: (any Error).self) { _ = try await blobs.duplicate(info.key) }
        }
    }

    /// A key with `/` is a named key (`FileBlobStore+Named`); those are checked component by
    /// component there, so `a/../b`-style keys are refused below and in `FileBlobStoreNamedTests`.
    @Test(arguments: ["", "short", "../../etc/passwd", "ABCDEFGHIJ", "abcdefgh/../ij", "abcdefgh.ij", "abcdefgh\u{0}"])
    func invalidKeysRejected(_ key: String) async throws {
        try await withBlobs { blobs, _ throws in
            await #expect(throws: SlipwayError.self) { _ = try await blobs.read(key) }
            await #expect(throws: SlipwayError.self) { _ = try await blobs.size(of: key) }
            await #expect(throws: SlipwayError.self) { try await blobs.delete(key) }
            await #expect(throws: SlipwayError.self) { _ = try await blobs.duplicate(key) }
        }
    }

    @Test func deleteWithEscapingKeyTouchesNothing() async throws {
        try await withBlobs { blobs, root throws in
            let victim = root.deletingLastPathComponent().appendingPathComponent("victim-\(UUID().uuidString)")
            try Data("keep".utf8).write(to: victim)
            defer { try? FileManager.default.removeItem(at: victim) }
            try? await blobs.delete("../" + victim.lastPathComponent)
            try? await blobs.delete("../../" + victim.lastPathComponent)
            #expect(FileManager.default.fileExists(atPath: victim.path))
        }
    }

    @Test func unknownValidKey() async throws {
        try await withBlobs { blobs, _ throws in
            #expect(try await blobs.read("0123456789abcdef") == nil)
            #expect(try await blobs.size(of: "0123456789abcdef") == nil)
        }
    }
}
