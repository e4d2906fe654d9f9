import Foundation
import Testing

@testable import SlipwayCore

@Suite("ModelRegistryService")
struct ModelRegistryServiceTests {
    func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
        try Data(text.utf8).write(to: url)
        return url
    }

    func upload(_ harness: ServiceHarness, _ name: String = "ccfraud", framework: ModelFramework = .onnx) -> ModelUpload {
        ModelUpload(workspaceID: harness.workspace.id, userID: harness.principal.userID, name: name, fileName: name,
                    framework: framework, configuration: .object(["python_version": .string("3.8")]))
    }

    @Test func everyUploadIsANewVersionOfTheModel() async throws {
        let harness = try await ServiceHarness.make()
        let registry = ModelRegistryService(platform: harness.platform)
        let first = try await registry.upload(upload(harness), file: try file("MODEL one"))
        let second = try await registry.upload(upload(harness), file: try file("MODEL two"))
        #expect(first.modelID == second.modelID)
        #expect(first.number == 1)
        #expect(second.number == 2)
        #expect(first.sha256 != second.sha256)
        #expect(first.status == .ready)
        #expect(first.configuration?.objectValue?["graph_inputs"] == JSONValue.array([.string("x")]))
        #expect(first.configuration?.objectValue?["python_version"] == JSONValue.string("3.8"))
        let model = try await registry.model(named: "ccfraud", workspaceID: harness.workspace.id)
        #expect(try await registry.versions(of: model).map(\.id) == [first.id, second.id])
        // The artifact is in the blob store, with the recorded digest.
        let content = try #require(try await harness.blobs.read(first.blobKey))
        #expect(content.size == 9)
    }

    @Test func streamedUploadIsStoredLikeAFile() async throws {
        let harness = try await ServiceHarness.make()
        let registry = ModelRegistryService(platform: harness.platform)
        let chunks = AsyncThrowingStream<Data, any Error> { continuation in
            continuation.yield(Data("MODEL ".utf8))
            continuation.yield(Data(repeating: 0x41, count: 100_000))
            continuation.finish()
        }
        let version = try await registry.upload(upload(harness), content: chunks)
        #expect(version.size == 100_006)
    }

    @Test func refusedUploadsStoreNothing() async throws {
        let harness = try await ServiceHarness.make()
        let registry = ModelRegistryService(platform: harness.platform)
        let before = harness.store.snapshot
        _ = await expectSlipwayError(.badRequest, message: "not a model file") {
            _ = try await registry.upload(upload(harness), file: try file("garbage"))
        }
        _ = await expectSlipwayError(.badRequest, message: "model name") {
            _ = try await registry.upload(upload(harness, "Bad_Name"), file: try file("MODEL"))
        }
        _ = await expectSlipwayError(.badRequest, message: "empty") {
            _ = try await registry.upload(upload(harness), file: try file(""))
        }
        #expect(harness.store.snapshot == before)
        #expect(harness.blobs.keys().isEmpty)
    }

    @Test func modelsAreOnlyFoundInTheirWorkspace() async throws {
        let harness = try await ServiceHarness.make()
        let registry = ModelRegistryService(platform: harness.platform)
        let version = try await registry.upload(upload(harness), file: try file("MODEL"))
        _ = await expectSlipwayError(.notFound) { _ = try await registry.model(id: version.modelID, workspaceID: "other") }
        _ = await expectSlipwayError(.notFound) { _ = try await registry.version(id: version.id, workspaceID: "other") }
        #expect(try await registry.version(id: version.id, workspaceID: harness.workspace.id) == version)
    }
}
