import Foundation
import Testing

@testable import SlipwayCore

@Suite("ArtifactService")
struct ArtifactServiceTests {
    @Test func uploadListDownloadAndDeleteByFolder() async throws {
        let harness = try await ServiceHarness.make()
        let artifacts = ArtifactService(platform: harness.platform)
        let ws = harness.workspace.id
        try await artifacts.upload(try ArtifactPath("1/r/artifacts/a.txt"), workspaceID: ws, content: chunks(Data("alpha".utf8)))
        try await artifacts.upload(try ArtifactPath("1/r/artifacts/sub/b.txt"), workspaceID: ws, content: chunks(Data("beta!".utf8)))
        let top = try await artifacts.list(try ArtifactPath("1/r/artifacts"), workspaceID: ws)
        #expect(top == [ArtifactEntry(path: "a.txt", isFolder: false, size: 5), ArtifactEntry(path: "sub", isFolder: true, size: nil)])
        #expect(try await artifacts.artifactFiles(under: "1/r/artifacts", workspaceID: ws) == ["a.txt", "sub/b.txt"])
        #expect(try await collect(artifacts.download(try ArtifactPath("1/r/artifacts/sub/b.txt"), workspaceID: ws)) == Data("beta!".utf8))
        // The blob key convention other services rely on.
        #expect(harness.blobs.data("artifacts/\(ws)/1/r/artifacts/a.txt") == Data("alpha".utf8))

        try await artifacts.delete(try ArtifactPath("1/r/artifacts/sub"), workspaceID: ws)
        #expect(try await artifacts.artifactFiles(under: "1/r/artifacts", workspaceID: ws) == ["a.txt"])
        #expect(try await artifacts.download(try ArtifactPath("1/r/artifacts/sub/b.txt"), workspaceID: ws) == nil)
    }

    @Test func workspacesDoNotSeeEachOthersFiles() async throws {
        let harness = try await ServiceHarness.make()
        let artifacts = ArtifactService(platform: harness.platform)
        try await artifacts.upload(try ArtifactPath("x/f"), workspaceID: "ws-a", content: chunks(Data("a".utf8)))
        #expect(try await artifacts.download(try ArtifactPath("x/f"), workspaceID: "ws-b") == nil)
        #expect(try await artifacts.list(try ArtifactPath("x"), workspaceID: "ws-b").isEmpty)
    }

    @Test func registryFolderIsReadOnlyAndRootNeedsAPath() async throws {
        let harness = try await ServiceHarness.make()
        let artifacts = ArtifactService(platform: harness.platform)
        await expectSlipwayError(.badRequest, message: "read-only") {
            try await artifacts.upload(try ArtifactPath("_model-versions/v/f"), workspaceID: "w", content: chunks(Data("x".utf8)))
        }
        await expectSlipwayError(.badRequest, message: "required") { try await artifacts.delete(.root, workspaceID: "w") }
        #expect(harness.blobs.keys().isEmpty)
    }

    @Test func multipartJoinsPartsInOrderAndCleansUp() async throws {
        let harness = try await ServiceHarness.make()
        let artifacts = ArtifactService(platform: harness.platform)
        let path = try ArtifactPath("big/file.bin")
        let upload = try await artifacts.createMultipartUpload(path, parts: 3, workspaceID: "w")
        _ = try await artifacts.uploadPart(uploadID: upload, number: 2, workspaceID: "w", content: chunks(Data("BB".utf8)))
        _ = try await artifacts.uploadPart(uploadID: upload, number: 1, workspaceID: "w", content: chunks(Data("A".utf8)))
        // A missing part, a wrong path or a foreign workspace change nothing.
        await expectSlipwayError(.badRequest, message: "part 3") {
            try await artifacts.completeMultipartUpload(path, uploadID: upload, parts: [1, 2, 3], workspaceID: "w")
        }
        await expectSlipwayError(.badRequest, message: "not an upload of") {
            try await artifacts.completeMultipartUpload(try ArtifactPath("other"), uploadID: upload, parts: [1, 2], workspaceID: "w")
        }
        await expectSlipwayError(.notFound) {
            try await artifacts.completeMultipartUpload(path, uploadID: upload, parts: [1, 2], workspaceID: "other-ws")
        }
        await expectSlipwayError(.badRequest, message: "ascending") {
            try await artifacts.completeMultipartUpload(path, uploadID: upload, parts: [2, 1], workspaceID: "w")
        }
        #expect(try await artifacts.download(path, workspaceID: "w") == nil)
        _ = try await artifacts.uploadPart(uploadID: upload, number: 3, workspaceID: "w", content: chunks(Data("CCC".utf8)))
        let info = try await artifacts.completeMultipartUpload(path, uploadID: upload, parts: [1, 2, 3], workspaceID: "w")
        #expect(info.size == 6)
        #expect(try await collect(artifacts.download(path, workspaceID: "w")) == Data("ABBCCC".utf8))
        #expect(try await harness.blobs.list(folder: "artifact-uploads/w").isEmpty)
        await expectSlipwayError(.notFound) {
            try await artifacts.abortMultipartUpload(path, uploadID: upload, workspaceID: "w")
        }
    }

    @Test func abortDiscardsParts() async throws {
        let harness = try await ServiceHarness.make()
        let artifacts = ArtifactService(platform: harness.platform)
        let path = try ArtifactPath("f")
        let upload = try await artifacts.createMultipartUpload(path, parts: 1, workspaceID: "w")
        _ = try await artifacts.uploadPart(uploadID: upload, number: 1, workspaceID: "w", content: chunks(Data("x".utf8)))
        try await artifacts.abortMultipartUpload(path, uploadID: upload, workspaceID: "w")
        await expectSlipwayError(.notFound) {
            _ = try await artifacts.uploadPart(uploadID: upload, number: 1, workspaceID: "w", content: chunks(Data("y".utf8)))
        }
        await expectSlipwayError(.badRequest) { _ = try await artifacts.createMultipartUpload(path, parts: 0, workspaceID: "w") }
    }

    @Test func oversizedUploadsStoreNothing() async throws {
        var limits = Limits(executionTimeout: .seconds(5), longPollHold: .seconds(15))
        limits.maxObjectBytes = 10
        let harness = try await ServiceHarness.make(limits: limits)
        let artifacts = ArtifactService(platform: harness.platform)
        await expectSlipwayError(.payloadTooLarge) {
            try await artifacts.upload(try ArtifactPath("f"), workspaceID: "w", content: chunks(Data(count: 11)))
        }
        #expect(try await artifacts.download(try ArtifactPath("f"), workspaceID: "w") == nil)
        try await artifacts.upload(try ArtifactPath("g"), workspaceID: "w", content: chunks(Data("abc".utf8)))
        await expectSlipwayError(.payloadTooLarge) { try await artifacts.artifactFile("g", workspaceID: "w", limit: 2) }
        #expect(try await artifacts.artifactFile("g", workspaceID: "w", limit: 3) == Data("abc".utf8))
        #expect(try await artifacts.artifactFile("none", workspaceID: "w", limit: 3) == nil)
    }
}
