import Foundation
import Testing

@testable import SlipwayCore

/// The data store: objects over blobs, replacement freeing the old blob, paginated listing,
/// deletion and multipart bookkeeping.
@Suite struct DataStoreServiceTests {
    @Test func attachedObjectIsDescribedAndReplacingItFreesThePreviousBlob() async throws {
        let h = try await ServiceHarness.make()
        let first = try await h.putObject("data/a.txt", "one")
        #expect(first.size == 3)
        #expect(first.etag == String(TemporaryBlobStore.sha256(Data("one".utf8)).prefix(32)))
        #expect(first.lastModified == h.clock.now)
        #expect(try await h.dataStore.information(workspaceID: h.workspace.id, path: "data/a.txt") == first)
        let second = try await h.putObject("data/a.txt", "two!")
        #expect(h.blobs.deletedKeys == [first.blob])
        #expect(h.blobs.data(first.blob) == nil)
        #expect(try await h.dataStore.information(workspaceID: h.workspace.id, path: "data/a.txt").blob == second.blob)
    }

    @Test(arguments: ["", "/abs.txt", "a/../b.txt", "a//b.txt", "dir/"])
    func invalidPathsAreRefused(path: String) async throws {
        let h = try await ServiceHarness.make()
        await expectSlipwayError(.badRequest) { try await h.dataStore.information(workspaceID: h.workspace.id, path: path) }
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.dataStore.delete(workspaceID: h.workspace.id, path: path)
        }
    }

    @Test func missingObjectIsNotFound() async throws {
        let h = try await ServiceHarness.make()
        await expectSlipwayError(.notFound, message: "data store object 'none.txt' was not found") {
            try await h.dataStore.information(workspaceID: h.workspace.id, path: "none.txt")
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.dataStore.delete(workspaceID: h.workspace.id, path: "none.txt")
        }
    }

    @Test func deleteRemovesTheObjectAndItsBlob() async throws {
        let h = try await ServiceHarness.make()
        let object = try await h.putObject("gone.txt", "bye")
        #expect(try await h.dataStore.delete(workspaceID: h.workspace.id, path: "gone.txt") == "gone.txt")
        #expect(h.blobs.data(object.blob) == nil)
        #expect(try await h.store.object(workspaceID: h.workspace.id, path: "gone.txt") == nil)
    }

    @Test func objectsOfAnotherWorkspaceAreInvisible() async throws {
        let h = try await ServiceHarness.make()
        try await h.putObject("mine.txt", "x")
        let other = try await h.accounts.createWorkspace(named: "other")
        await expectSlipwayError(.notFound) { try await h.dataStore.information(workspaceID: other.id, path: "mine.txt") }
        #expect(try await h.dataStore.list(workspaceID: other.id, folder: nil, continuationToken: nil).objects.isEmpty)
    }

    @Test func listingIsByFolderInPathOrder() async throws {
        let h = try await ServiceHarness.make()
        for path in ["b/2.txt", "a/x.txt", "b/1.txt", "b/sub/3.txt", "bb/4.txt"] { try await h.putObject(path, path) }
        let (objects, next) = try await h.dataStore.list(workspaceID: h.workspace.id, folder: "b", continuationToken: nil)
        #expect(objects.map(\.path) == ["b/1.txt", "b/2.txt", "b/sub/3.txt"])
        #expect(next == nil)
        let all = try await h.dataStore.list(workspaceID: h.workspace.id, folder: nil, continuationToken: nil)
        #expect(all.objects.map(\.path) == ["a/x.txt", "b/1.txt", "b/2.txt", "b/sub/3.txt", "bb/4.txt"])
    }

    @Test func longListingsArePagedWithAContinuationToken() async throws {
        let h = try await ServiceHarness.make()
        let count = DataStoreService.pageSize + 5
        // Indexed directly (one write), in reverse order: the listing sorts them.
        h.store.seed(objects: (0..<count).reversed().map { index in
            DataObject(workspaceID: h.workspace.id, path: String(format: "f/%05d", index), size: 1, blob: "b\(index)",
                       etag: "e", lastModified: h.clock.now)
        })
        let first = try await h.dataStore.list(workspaceID: h.workspace.id, folder: "f/", continuationToken: nil)
        #expect(first.objects.count == DataStoreService.pageSize)
        let token = try #require(first.next)
        let second = try await h.dataStore.list(workspaceID: h.workspace.id, folder: "f/", continuationToken: token)
        #expect(second.objects.map(\.path) == (DataStoreService.pageSize..<count).map { String(format: "f/%05d", $0) })
        #expect(second.next == nil)
        await expectSlipwayError(.badRequest, message: "continuation_token") {
            try await h.dataStore.list(workspaceID: h.workspace.id, folder: "g/", continuationToken: token)
        }
        await expectSlipwayError(.badRequest, message: "continuation_token") {
            try await h.dataStore.list(workspaceID: h.workspace.id, folder: "f/", continuationToken: "%%%not base64")
        }
    }

    @Test func multipartUploadIsFoundOnlyWithItsWorkspaceAndPath() async throws {
        let h = try await ServiceHarness.make()
        let upload = try await h.dataStore.startMultipart(workspaceID: h.workspace.id, path: "big/file.bin")
        #expect(try await h.dataStore.multipart(id: upload.id, workspaceID: h.workspace.id, path: "big/file.bin") == upload)
        await expectSlipwayError(.notFound) {
            try await h.dataStore.multipart(id: upload.id, workspaceID: h.workspace.id, path: "big/other.bin")
        }
        await expectSlipwayError(.notFound) {
            try await h.dataStore.multipart(id: upload.id, workspaceID: "another-workspace", path: "big/file.bin")
        }
        try await h.dataStore.finishMultipart(upload)
        await expectSlipwayError(.notFound) {
            try await h.dataStore.multipart(id: upload.id, workspaceID: h.workspace.id, path: "big/file.bin")
        }
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.dataStore.startMultipart(workspaceID: h.workspace.id, path: "../escape")
        }
    }

    @Test func blobOfAnObjectWhoseIndexWriteFailsIsDeleted() async throws {
        let h = try await ServiceHarness.make()
        h.store.failNext(.putObject)
        let writer = try await h.blobs.makeWriter()
        try await writer.write(Data("orphan?".utf8))
        let blob = try await writer.commit()
        await expectRefusedUnchanged(.internal, in: h.store, message: "injected") {
            try await h.dataStore.attach(blob: blob, workspaceID: h.workspace.id, path: try ObjectPath("a.txt"))
        }
        #expect(h.blobs.keys().isEmpty)
    }
}
