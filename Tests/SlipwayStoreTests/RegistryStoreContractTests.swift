import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// The registry part of `ModelStore` (migration 14), run against every backend.
@Suite("Model registry store contract")
struct RegistryStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let digest = try! SHA256Hex(String(repeating: "cd", count: 32))

    func version(_ id: String, model: String = "m1", workspace: String = "ws1") -> ModelVersion {
        ModelVersion(id: id, modelID: model, workspaceID: workspace, number: 1, blobKey: "blob-\(id)", fileName: "model.zip",
                     size: 10, sha256: digest, framework: .sklearn, status: .ready, createdAt: t0, createdBy: "u1",
                     description: "about \(id)", source: "runs:/r1/model", runID: "r1", runLink: "http://x/r1")
    }

    @Test(arguments: StoreBackendKind.available)
    func registryFactsRoundTrip(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertModel(Model(id: "m1", workspaceID: "ws1", name: "Iris Model", createdAt: t0, createdBy: "u1"))
            let v1 = try await store.insertModelVersion(version("v1"))
            #expect(try await store.modelVersion(id: "v1") == v1)
            #expect(v1.stage == .none && v1.source == "runs:/r1/model" && v1.runID == "r1" && v1.updatedAt == t0)

            var changed = v1
            changed.stage = .production
            changed.description = "new"
            changed.updatedAt = t0.addingTimeInterval(5)
            try await store.updateModelVersion(changed)
            #expect(try await store.modelVersion(id: "v1") == changed)

            var model = try #require(try await store.model(id: "m1"))
            model.name = "Renamed"
            model.description = "d"
            model.updatedAt = t0.addingTimeInterval(9)
            try await store.updateModel(model)
            #expect(try await store.model(workspaceID: "ws1", name: "Renamed") == model)
            #expect(try await store.model(workspaceID: "ws1", name: "Iris Model") == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func tagsAndAliasesUpsertAndDelete(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertModel(Model(id: "m1", workspaceID: "ws1", name: "a", createdAt: t0, createdBy: "u1"))
            try await store.insertModel(Model(id: "m2", workspaceID: "ws2", name: "a", createdAt: t0, createdBy: "u1"))
            _ = try await store.insertModelVersion(version("v1"))
            _ = try await store.insertModelVersion(version("v2"))
            _ = try await store.insertModelVersion(version("w1", model: "m2", workspace: "ws2"))
            try await store.setModelTag(modelID: "m1", workspaceID: "ws1", key: "team", value: "core")
            try await store.setModelTag(modelID: "m1", workspaceID: "ws1", key: "team", value: "platform")
            try await store.setModelTag(modelID: "m2", workspaceID: "ws2", key: "team", value: "other")
            #expect(try await store.modelTags(modelID: "m1") == ["team": "platform"])
            #expect(try await store.modelTags(workspaceID: "ws1") == ["m1": ["team": "platform"]])
            try await store.deleteModelTag(modelID: "m1", key: "team")
            #expect(try await store.modelTags(modelID: "m1").isEmpty)

            try await store.setModelVersionTag(versionID: "v1", workspaceID: "ws1", key: "k", value: String(repeating: "x", count: 100_000))
            try await store.setModelVersionTag(versionID: "v2", workspaceID: "ws1", key: "k", value: "2")
            #expect(try await store.modelVersionTags(versionID: "v1")["k"]?.count == 100_000)
            #expect(try await store.modelVersionTags(workspaceID: "ws1").keys.sorted() == ["v1", "v2"])
            try await store.deleteModelVersionTag(versionID: "v2", key: "k")
            #expect(try await store.modelVersionTags(versionID: "v2").isEmpty)

            try await store.setModelAlias(modelID: "m1", workspaceID: "ws1", alias: "champion", versionID: "v1")
            try await store.setModelAlias(modelID: "m1", workspaceID: "ws1", alias: "champion", versionID: "v2")
            try await store.setModelAlias(modelID: "m1", workspaceID: "ws1", alias: "old", versionID: "v1")
            #expect(try await store.modelAliases(modelID: "m1") == ["champion": "v2", "old": "v1"])
            #expect(try await store.modelAliases(workspaceID: "ws2").isEmpty)
            try await store.deleteModelAlias(modelID: "m1", alias: "old")
            #expect(try await store.modelAliases(modelID: "m1") == ["champion": "v2"])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func deletedVersionsAreHiddenAndTheirNumbersKept(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertModel(Model(id: "m1", workspaceID: "ws1", name: "a", createdAt: t0, createdBy: "u1"))
            _ = try await store.insertModelVersion(version("v1"))
            let v2 = try await store.insertModelVersion(version("v2"))
            try await store.setModelVersionTag(versionID: "v2", workspaceID: "ws1", key: "k", value: "v")
            try await store.setModelAlias(modelID: "m1", workspaceID: "ws1", alias: "prod", versionID: "v2")
            try await store.deleteModelVersion(id: v2.id)
            #expect(try await store.modelVersion(id: "v2") == nil)
            #expect(try await store.modelVersions(modelID: "m1").map(\.id) == ["v1"])
            #expect(try await store.modelVersions(workspaceID: "ws1").map(\.id) == ["v1"])
            #expect(try await store.modelAliases(modelID: "m1").isEmpty)
            #expect(try await store.modelVersionTags(versionID: "v2").isEmpty)
            #expect(try await store.insertModelVersion(version("v3")).number == 3)

            try await store.setModelTag(modelID: "m1", workspaceID: "ws1", key: "t", value: "1")
            try await store.deleteModel(id: "m1")
            #expect(try await store.model(id: "m1") == nil)
            #expect(try await store.modelVersions(workspaceID: "ws1").isEmpty)
            #expect(try await store.modelTags(workspaceID: "ws1").isEmpty)
        }
    }
}
