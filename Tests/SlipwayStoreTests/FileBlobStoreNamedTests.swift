import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Named blobs of `FileBlobStore`: keys as paths, folder listings and deletions, range reads,
/// and keys that would leave the tree.
@Suite("FileBlobStore named blobs")
struct FileBlobStoreNamedTests {
    func withBlobs(_ body: (FileBlobStore, URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-named-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await body(try FileBlobStore(root: root), root)
    }

    func put(_ blobs: FileBlobStore, _ key: String, _ text: String) async throws -> BlobInfo {
        let writer = try await blobs.makeWriter(key: key)
        try await writer.write(Data(text.utf8))
        return try await writer.commit()
    }

    func read(_ content: BlobContent?) async throws -> String? {
        guard let content else { return nil }
        var data = Data()
        for try await chunk in content.chunks { data += chunk }
        #expect(Int64(data.count) == content.size)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func namedKeysListAndReplace() async throws {
        try await withBlobs { blobs, _ in
            let info = try await put(blobs, "artifacts/ws/1/run/a.txt", "alpha")
            #expect(info.key == "artifacts/ws/1/run/a.txt" && info.size == 5)
            _ = try await put(blobs, "artifacts/ws/1/run/sub/b.txt", "beta")
            _ = try await put(blobs, "artifacts/ws/1/run/a.txt", "replaced")
            #expect(try await read(blobs.read("artifacts/ws/1/run/a.txt")) == "replaced")
            #expect(try await blobs.list(folder: "artifacts/ws/1/run") == [
                NamedBlobEntry(name: "a.txt", isFolder: false, size: 8), NamedBlobEntry(name: "sub", isFolder: true, size: nil),
            ])
            #expect(try await blobs.list(folder: "artifacts/none").isEmpty)
            #expect(try await blobs.size(of: "artifacts/ws/1/run/sub/b.txt") == 4)
        }
    }

    @Test func deletingAFolderRemovesOnlyIt() async throws {
        try await withBlobs { blobs, _ in
            _ = try await put(blobs, "artifacts/ws/x/one", "1")
            _ = try await put(blobs, "artifacts/ws/x/deep/two", "2")
            _ = try await put(blobs, "artifacts/ws/y/three", "3")
            try await blobs.deleteFolder("artifacts/ws/x")
            #expect(try await blobs.list(folder: "artifacts/ws").map(\.name) == ["y"])
            try await blobs.delete("artifacts/ws/y/three")
            // Emptied folders are pruned, so listings show no empty folders.
            #expect(try await blobs.list(folder: "artifacts").isEmpty)
            try await blobs.deleteFolder("artifacts/ws/missing")
        }
    }

    @Test func rangeReads() async throws {
        try await withBlobs { blobs, _ in
            _ = try await put(blobs, "a/b", "0123456789")
            #expect(try await read(blobs.read("a/b", offset: 3, length: 4)) == "3456")
            #expect(try await read(blobs.read("a/b", offset: 8, length: 10)) == "89")
            #expect(try await read(blobs.read("a/b", offset: 20, length: 1)) == "")
            #expect(try await blobs.read("a/none", offset: 0, length: 1) == nil)
            // Opaque blobs read by range too.
            let writer = try await blobs.makeWriter()
            try await writer.write(Data("abcdef".utf8))
            let opaque = try await writer.commit()
            #expect(try await read(blobs.read(opaque.key, offset: 1, length: 2)) == "bc")
        }
    }

    @Test func fileAndFolderCannotShareAName() async throws {
        try await withBlobs { blobs, _ in
            _ = try await put(blobs, "a/file", "x")
            await #expect(throws: SlipwayError.self) { _ = try await put(blobs, "a/file/inner", "y") }
            _ = try await put(blobs, "a/dir/inner", "z")
            await #expect(throws: SlipwayError.self) { _ = try await put(blobs, "a/dir", "w") }
            #expect(try await read(blobs.read("a/dir/inner")) == "z")
        }
    }

    @Test(arguments: ["a/../b", "../b", "a//b", "a/./b", "/a/b", "a/b/", "a\\b/c", "a/\u{0}/c"])
    func keysThatLeaveTheTreeAreRefused(_ key: String) async throws {
        try await withBlobs { blobs, root in
            await #expect(throws: (any Error).self) { _ = try await blobs.makeWriter(key: key) }
            await #expect(throws: (any Error).self) { _ = try await blobs.list(folder: key) }
            await #expect(throws: (any Error).self) { try await blobs.deleteFolder(key) }
            #expect(!FileManager.default.fileExists(atPath: root.deletingLastPathComponent().appendingPathComponent("b").path))
        }
    }
}
