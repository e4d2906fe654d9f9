import Foundation
import Testing

@testable import SlipwayCore

/// The registry's rules (`ModelRegistryService+Registry`) and folder snapshots
/// (`ModelFolderImporter`) on the in-memory store.
@Suite("ModelRegistryRules")
struct ModelRegistryRulesTests {
    struct Fixture {
        let harness: ServiceHarness
        let registry: ModelRegistryService
        let artifacts: ArtifactService
        let importer: ModelFolderImporter
        var ws: String { harness.workspace.id }
        var user: String { harness.principal.userID }

        static func make() async throws -> Fixture {
            let harness = try await ServiceHarness.make()
            let registry = ModelRegistryService(platform: harness.platform)
            let artifacts = ArtifactService(platform: harness.platform)
            let runs = FixedTrackedRuns(runs: ["run1": FixedTrackedRuns.run("run1")],
                                        loggedModels: ["m-abc": "1/models/m-abc/artifacts"], artifacts: artifacts)
            return Fixture(harness: harness, registry: registry, artifacts: artifacts,
                           importer: ModelFolderImporter(platform: harness.platform, runs: runs, artifacts: artifacts,
                                                         registry: registry))
        }

        func put(_ path: String, _ text: String) async throws {
            try await artifacts.upload(try ArtifactPath(path), workspaceID: ws, content: chunks(Data(text.utf8)))
        }

        /// A model folder like `mlflow.sklearn.save_model` writes, at `folder`.
        func sklearnFolder(_ folder: String) async throws {
            try await put("\(folder)/MLmodel", BlockYAMLReaderTests.mlmodel)
            try await put("\(folder)/model.pkl", "PICKLE BYTES")
            try await put("\(folder)/requirements.txt", "mlflow==3.17.2\nscikit-learn==1.9.1\n")
        }

        @discardableResult
        func version(_ model: String, from source: String) async throws -> RegisteredVersion {
            try await importer.registerVersion(FolderVersionRequest(workspaceID: ws, userID: user, modelName: model, source: source))
        }
    }

    @Test func snapshotCopiesTheFolderAndReadsMLmodel() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("1/run1/artifacts/model")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "Iris Model", description: nil, tags: [])
        let registered = try await f.version("Iris Model", from: "runs:/run1/model")
        let version = registered.version
        #expect(version.number == 1 && version.status == .ready && version.framework == .sklearn)
        #expect(version.source == "runs:/run1/model")
        let configuration = try #require(version.configuration)
        #expect(configuration["loader_module"] == .string("mlflow.sklearn"))
        #expect(configuration["serialization_format"] == .string("cloudpickle"))
        #expect(configuration["model_path"] == .string("model.pkl"))
        #expect(configuration["python_version"] == .string("3.11.9"))
        #expect(configuration["requirements"] == .string("mlflow==3.17.2\nscikit-learn==1.9.1\n"))
        #expect(configuration["signature"]?["inputs"]?.arrayValue?.count == 2)
        // Size and digest are the ZIP's; its files are byte ranges of it.
        let zip = try #require(f.harness.blobs.data(version.blobKey))
        #expect(Int64(zip.count) == version.size)
        #expect(TemporaryBlobStore.sha256(zip) == version.sha256.value)
        let files = ArtifactService.files(of: version)
        #expect(files.map(\.path) == ["MLmodel", "model.pkl", "requirements.txt"])
        let pickle = try #require(files.first { $0.path == "model.pkl" })
        #expect(zip.subdata(in: Int(pickle.offset)..<Int(pickle.offset + pickle.size)) == Data("PICKLE BYTES".utf8))

        // Deleting the run's files leaves the version whole, served from its snapshot.
        try await f.artifacts.delete(try ArtifactPath("1/run1/artifacts"), workspaceID: f.ws)
        let view = try ArtifactPath(ArtifactService.versionFolder(version.id))
        #expect(try await f.artifacts.list(view, workspaceID: f.ws).map(\.path) == ["MLmodel", "model.pkl", "requirements.txt"])
        #expect(try await collect(f.artifacts.download(view.appending(try ArtifactPath("model.pkl")), workspaceID: f.ws))
            == Data("PICKLE BYTES".utf8))
        // Not visible from another workspace.
        #expect(try await f.artifacts.list(view, workspaceID: "other").isEmpty)
    }


    @Test func sourcesResolveToFolders() async throws {
        let f = try await Fixture.make()
        #expect(try await f.importer.folder(of: "runs:/run1/model", workspaceID: f.ws) == .artifacts(try ArtifactPath("1/run1/artifacts/model")))
        #expect(try await f.importer.folder(of: "models:/m-abc", workspaceID: f.ws) == .artifacts(try ArtifactPath("1/models/m-abc/artifacts")))
        #expect(try await f.importer.folder(of: "mlflow-artifacts:/up/x", workspaceID: f.ws) == .artifacts(try ArtifactPath("up/x")))
        #expect(try await f.importer.folder(of: "mlflow-artifacts://host:5000/up/x", workspaceID: f.ws) == .artifacts(try ArtifactPath("up/x")))
        #expect(try await f.importer.folder(of: "http://h/api/2.0/mlflow-artifacts/artifacts/up/a%20b", workspaceID: f.ws)
            == .artifacts(try ArtifactPath("up/a b")))
        await expectSlipwayError(.notFound) { try await f.importer.folder(of: "runs:/nope/model", workspaceID: f.ws) }
        await expectSlipwayError(.notFound) { try await f.importer.folder(of: "models:/m-nope", workspaceID: f.ws) }
        await expectSlipwayError(.badRequest) { try await f.importer.folder(of: "s3://bucket/x", workspaceID: f.ws) }
        await expectSlipwayError(.badRequest) { try await f.importer.folder(of: "mlflow-artifacts:/../etc", workspaceID: f.ws) }
    }

    @Test func folderWithoutMLmodelIsAFailedVersion() async throws {
        let f = try await Fixture.make()
        try await f.put("up/plain/readme.txt", "not a model")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "m", description: nil, tags: [])
        let version = try await f.version("m", from: "mlflow-artifacts:/up/plain").version
        #expect(version.status == .failed)
        #expect(version.statusMessage?.contains("MLmodel") == true)
        let empty = try await f.version("m", from: "mlflow-artifacts:/up/none").version
        #expect(empty.status == .failed && empty.number == 2)
    }

    @Test func versionNeedsAnExistingModelAndStoresNothingOtherwise() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("up/m")
        await expectRefusedUnchanged(.notFound, in: f.harness.store) { try await f.version("absent", from: "mlflow-artifacts:/up/m") }
    }

    @Test func stagesArchiveOnlyWhenAskedAndOnlyForActiveStages() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("up/m")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "m", description: nil, tags: [])
        for _ in 0..<3 { try await f.version("m", from: "mlflow-artifacts:/up/m") }
        _ = try await f.registry.transitionStage(named: "m", number: 1, to: .production, archiveExisting: false, workspaceID: f.ws)
        _ = try await f.registry.transitionStage(named: "m", number: 2, to: .production, archiveExisting: false, workspaceID: f.ws)
        var stages = try await f.registry.registeredModel(named: "m", workspaceID: f.ws).versions.map(\.stage)
        #expect(stages == [.production, .production, .none])
        _ = try await f.registry.transitionStage(named: "m", number: 3, to: .production, archiveExisting: true, workspaceID: f.ws)
        stages = try await f.registry.registeredModel(named: "m", workspaceID: f.ws).versions.map(\.stage)
        #expect(stages == [.archived, .archived, .production])
        await expectRefusedUnchanged(.badRequest, in: f.harness.store, message: "archive_existing_versions") {
            try await f.registry.transitionStage(named: "m", number: 1, to: .archived, archiveExisting: true, workspaceID: f.ws)
        }
        expectBadRequest("invalid model version stage") { _ = try ModelStage(name: "Shipping") }
        #expect(try ModelStage(name: "staging") == .staging)
        let latest = try await f.registry.latestVersions(named: "m", stages: [], workspaceID: f.ws)
        #expect(latest.map { "\($0.version.stage.rawValue):\($0.version.number)" } == ["Production:3", "Archived:2"])
    }

    @Test func aliasesFollowVersionsAndAreValidated() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("up/m")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "m", description: nil, tags: [])
        try await f.version("m", from: "mlflow-artifacts:/up/m")
        try await f.version("m", from: "mlflow-artifacts:/up/m")
        try await f.registry.setAlias("champion", named: "m", version: 1, workspaceID: f.ws)
        #expect(try await f.registry.version(named: "m", alias: "champion", workspaceID: f.ws).version.number == 1)
        try await f.registry.setAlias("champion", named: "m", version: 2, workspaceID: f.ws)
        #expect(try await f.registry.registeredModel(named: "m", workspaceID: f.ws).aliases == ["champion": 2])
        #expect(try await f.registry.version(named: "m", number: 2, workspaceID: f.ws).aliases == ["champion"])
        for bad in ["latest", "LATEST", "v3", "has space", ""] {
            await expectRefusedUnchanged(.badRequest, in: f.harness.store) {
                try await f.registry.setAlias(bad, named: "m", version: 1, workspaceID: f.ws)
            }
        }
        await expectRefusedUnchanged(.notFound, in: f.harness.store) {
            try await f.registry.setAlias("x", named: "m", version: 9, workspaceID: f.ws)
        }
        // Deleting the version removes the alias that named it; its number is not given again.
        try await f.registry.deleteVersion(named: "m", number: 2, workspaceID: f.ws)
        #expect(try await f.registry.registeredModel(named: "m", workspaceID: f.ws).aliases.isEmpty)
        await expectSlipwayError(.notFound) { try await f.registry.version(named: "m", alias: "champion", workspaceID: f.ws) }
        #expect(try await f.version("m", from: "mlflow-artifacts:/up/m").version.number == 3)
    }

    @Test func renameKeepsVersionsTagsAndAliases() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("up/m")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "old", description: "d",
                                                       tags: [("team", "core")])
        try await f.version("old", from: "mlflow-artifacts:/up/m")
        try await f.registry.setAlias("prod", named: "old", version: 1, workspaceID: f.ws)
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "taken", description: nil, tags: [])
        await expectRefusedUnchanged(.conflict, in: f.harness.store) {
            try await f.registry.renameModel(named: "old", to: "taken", workspaceID: f.ws)
        }
        let renamed = try await f.registry.renameModel(named: "old", to: "new", workspaceID: f.ws)
        #expect(renamed.model.name == "new" && renamed.tags == ["team": "core"] && renamed.aliases == ["prod": 1])
        #expect(renamed.versions.count == 1 && renamed.model.description == "d")
        await expectSlipwayError(.notFound) { try await f.registry.registeredModel(named: "old", workspaceID: f.ws) }
    }

    @Test func deleteRemovesVersionsAndTheirArtifacts() async throws {
        let f = try await Fixture.make()
        try await f.sklearnFolder("up/m")
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "m", description: nil, tags: [])
        let version = try await f.version("m", from: "mlflow-artifacts:/up/m").version
        try await f.registry.setVersionTag(named: "m", number: 1, key: "k", value: "v", workspaceID: f.ws)
        try await f.registry.deleteRegisteredModel(named: "m", workspaceID: f.ws)
        #expect(f.harness.blobs.data(version.blobKey) == nil)
        #expect(try await f.harness.store.modelVersionTags(versionID: version.id).isEmpty)
        #expect(try await f.registry.registeredModels(workspaceID: f.ws).isEmpty)
        // The name is free again.
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "m", description: nil, tags: [])
    }

    @Test func namesTagsAndDuplicatesAreChecked() async throws {
        let f = try await Fixture.make()
        _ = try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "My Model_1", description: nil, tags: [])
        await expectRefusedUnchanged(.conflict, in: f.harness.store) {
            try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "My Model_1", description: nil, tags: [])
        }
        for bad in ["", "   ", "a/b", "a:b", "tab\there"] {
            await expectRefusedUnchanged(.badRequest, in: f.harness.store) {
                try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: bad, description: nil, tags: [])
            }
        }
        await expectRefusedUnchanged(.badRequest, in: f.harness.store) {
            try await f.registry.setModelTag(named: "My Model_1", key: String(repeating: "k", count: 251), value: "v", workspaceID: f.ws)
        }
        await expectRefusedUnchanged(.badRequest, in: f.harness.store) {
            try await f.registry.setModelTag(named: "My Model_1", key: "k", value: String(repeating: "v", count: 100_001), workspaceID: f.ws)
        }
        await expectRefusedUnchanged(.badRequest, in: f.harness.store) {
            try await f.registry.createRegisteredModel(workspaceID: f.ws, userID: f.user, name: "other", description: nil,
                                                       tags: [("ok", "1"), ("", "2")])
        }
        await expectRefusedUnchanged(.notFound, in: f.harness.store) {
            try await f.registry.deleteModelTag(named: "My Model_1", key: "absent", workspaceID: f.ws)
        }
        // Another workspace does not see the model.
        await expectSlipwayError(.notFound) { try await f.registry.registeredModel(named: "My Model_1", workspaceID: "other") }
    }
}
