import Foundation
import Testing

@testable import SlipwayCore

/// The catalog service on the in-memory store and a fake tracking store: creation with
/// tracked semantics, visibility by workspace, updates, semantic updates and queries,
/// connectors, resources and their IDS descriptions.
@Suite struct AssetCatalogServiceTests {
    struct Setup {
        let h: ServiceHarness
        let catalog: AssetCatalogService
        let tracked: FakeTrackedRuns
        let alice: User
        let aliceSpace: Workspace
        let bob: User
        let bobSpace: Workspace
    }

    func setup() async throws -> Setup {
        let h = try await ServiceHarness.make()
        let alice = try await h.accounts.register(email: "alice@example.com", password: "password123", firstName: "Alice",
                                                  lastName: nil)
        let bob = try await h.accounts.register(email: "bob@example.com", password: "password456", firstName: nil, lastName: nil)
        let tracked = FakeTrackedRuns.withKNNRun(workspaceID: alice.workspace.id)
        let catalog = AssetCatalogService(store: h.store, accounts: h.accounts,
                                          trackedRuns: TrackedRunSources(local: tracked, remote: nil))
        return Setup(h: h, catalog: catalog, tracked: tracked, alice: alice.user, aliceSpace: alice.workspace, bob: bob.user,
                     bobSpace: bob.workspace)
    }

    @Test func registrationMakesAnOwnWorkspaceAndRefusesATakenEmail() async throws {
        let s = try await setup()
        #expect(s.aliceSpace.name == "alice-example-com")
        #expect(try await s.h.accounts.homeWorkspace(of: s.alice)?.id == s.aliceSpace.id)
        #expect(try await s.h.store.memberships(userID: s.alice.id).map(\.workspaceID) == [s.aliceSpace.id])
        #expect(try await s.h.accounts.verifyPassword(login: "alice@example.com", password: "password123").id == s.alice.id)
        await expectRefusedUnchanged(.conflict, in: s.h.store) {
            try await s.h.accounts.register(email: "ALICE@example.com", password: "password999", firstName: nil, lastName: nil)
        }
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.h.accounts.register(email: "not-an-email", password: "password999", firstName: nil, lastName: nil)
        }
    }

    @Test func aTrackedModelIsDescribedFromItsRunManifestAndFile() async throws {
        let s = try await setup()
        let asset = try await s.catalog.create(.init(kind: .model, name: "Test Model 1", version: "1.0",
                                                     description: "This model is a test model",
                                                     modelPath: "mlflow-artifacts:/1/run1/artifacts/knnmodel"),
                                               in: s.aliceSpace.id, by: s.alice)
        #expect(asset.id.count == 64 && asset.id.allSatisfy(\.isHexDigit))
        let semantics = try #require(asset.semantics)
        #expect(semantics.algorithm == "KNeighborsClassifier")
        #expect(semantics.implementation == "sklearn.neighbors._classification.KNeighborsClassifier")
        #expect(semantics.metrics == ["accuracy": 0.96])
        #expect(semantics.parameters["n_neighbors"] == "3")
        #expect(semantics.datasets == ["iris"])
        #expect(semantics.frameworks == ["python_function", "sklearn"])
        #expect(semantics.inputs.map(\.name) == ["sepal length (cm)", "petal width (cm)"])
        #expect(semantics.outputs.first?.type == "tensor<int64>")
        #expect(semantics.run?.runID == "run1")
        #expect(semantics.tags["mlflow.log-model.history"] == nil)
        #expect(semantics.sources == ["metadata", "tracked run", "model manifest", "model file"])
        #expect(Set(s.tracked.askedWorkspaces) == [s.aliceSpace.id])

        // A logged model's path finds its run through the manifest.
        let logged = try await s.catalog.create(.init(kind: .model, name: "logged", modelPath: "models:/m-knn"),
                                                in: s.aliceSpace.id, by: s.alice)
        #expect(logged.semantics?.run?.runID == "run1")
        #expect(logged.semantics?.metrics["accuracy"] == 0.96)
        let files = try await s.catalog.modelFiles(id: logged.id, for: s.alice)
        #expect(files.folder == "1/models/m-knn/artifacts")
        #expect(files.files == ["MLmodel", "model.pkl"])
    }

    @Test func modelPathsAreResolvedOnlyInTheAssetsWorkspace() async throws {
        let s = try await setup()
        // Bob names Alice's run: his workspace has no such run, so nothing of it is read.
        let stolen = try await s.catalog.create(.init(kind: .model, name: "stolen", modelPath: "runs:/run1/knnmodel"),
                                                in: s.bobSpace.id, by: s.bob)
        #expect(stolen.semantics?.run == nil)
        #expect(stolen.semantics?.metrics == [:])
        #expect(stolen.semantics?.unresolved?.contains("does not exist") == true)
        // Nor can he create in Alice's workspace.
        await expectRefusedUnchanged(.forbidden, in: s.h.store) {
            try await s.catalog.create(.init(kind: .model, name: "intruder"), in: s.aliceSpace.id, by: s.bob)
        }
        #expect(!s.tracked.askedWorkspaces.contains(s.aliceSpace.id))
    }

    @Test func assetsAreSeenByMembersOnly() async throws {
        let s = try await setup()
        let model = try await s.catalog.create(.init(kind: .model, name: "m"), in: s.aliceSpace.id, by: s.alice)
        let dataset = try await s.catalog.create(.init(kind: .dataset, name: "iris", metadata: ["format": .string("csv")]),
                                                 in: s.aliceSpace.id, by: s.alice)
        #expect(try await s.catalog.assets(kind: nil, for: s.alice).map(\.id) == [model.id, dataset.id])
        #expect(try await s.catalog.assets(kind: .dataset, for: s.alice).map(\.id) == [dataset.id])
        #expect(try await s.catalog.assets(kind: nil, for: s.bob).isEmpty)
        await expectSlipwayError(.notFound) { try await s.catalog.asset(id: model.id, kind: nil, for: s.bob) }
        await expectSlipwayError(.notFound) { try await s.catalog.asset(id: model.id, kind: .dataset, for: s.alice) }
        await expectSlipwayError(.badRequest) { try await s.catalog.asset(id: "abc", kind: nil, for: s.alice) }
        await expectRefusedUnchanged(.notFound, in: s.h.store) {
            try await s.catalog.update(id: model.id, kind: .model, changes: .init(name: "taken over"), by: s.bob)
        }
        #expect(try await s.catalog.query("kind = model", for: s.bob).isEmpty)
        #expect(dataset.semantics?.properties["format"] == "csv")
    }

    @Test func duplicatesAndBadFieldsAreRefusedAndChangeNothing() async throws {
        let s = try await setup()
        _ = try await s.catalog.create(.init(kind: .model, name: "m", version: "1"), in: s.aliceSpace.id, by: s.alice)
        _ = try await s.catalog.create(.init(kind: .model, name: "m", version: "2"), in: s.aliceSpace.id, by: s.alice)
        await expectRefusedUnchanged(.conflict, in: s.h.store) {
            try await s.catalog.create(.init(kind: .model, name: "m", version: "1"), in: s.aliceSpace.id, by: s.alice)
        }
        for draft in [AssetCatalogService.Draft(kind: .model, name: ""),
                      .init(kind: .model, name: "x", modelPath: "s3://nowhere"),
                      .init(kind: .model, name: "x", trackingURI: "ftp://host"),
                      .init(kind: .model, name: "x", trackingURI: "http://user:secret@host")] {
            await expectRefusedUnchanged(.badRequest, in: s.h.store) {
                try await s.catalog.create(draft, in: s.aliceSpace.id, by: s.alice)
            }
        }
        // A run that does not exist (yet) is noted, not refused.
        let ghost = try await s.catalog.create(.init(kind: .model, name: "ghost", modelPath: "runs:/nope/model"),
                                               in: s.aliceSpace.id, by: s.alice)
        #expect(ghost.semantics?.unresolved?.contains("nope") == true)
    }

    @Test func updatesRegenerateAndKeepManualSemanticChanges() async throws {
        let s = try await setup()
        let asset = try await s.catalog.create(.init(kind: .model, name: "m", modelPath: "runs:/run1/knnmodel"),
                                               in: s.aliceSpace.id, by: s.alice)
        var changes = SemanticChanges()
        changes.keywords = ["energy prediction"]
        changes.metrics = ["f1": 0.8, "accuracy": nil]
        let updated = try await s.catalog.updateSemantics(id: asset.id, changes: changes, for: s.alice)
        #expect(updated.semantics?.keywords == ["energy prediction"])
        #expect(updated.semantics?.metrics == ["f1": 0.8])
        #expect(try await s.catalog.query("metrics.f1 >= 0.8 AND keyword = 'energy prediction'", for: s.alice).map(\.id)
            == [asset.id])

        // A metadata change describes again, keeping the manual changes on top.
        let renamed = try await s.catalog.update(id: asset.id, kind: .model,
                                                 changes: .init(description: "now described", metadata: ["datasets": .array([.string("wine")])]),
                                                 by: s.alice)
        #expect(renamed.semantics?.summary == "now described")
        #expect(renamed.semantics?.datasets == ["iris", "wine"])
        #expect(renamed.semantics?.metrics == ["f1": 0.8])
        // Regenerating drops them.
        let regenerated = try await s.catalog.regenerateSemantics(id: asset.id, for: s.alice)
        #expect(regenerated.semantics?.metrics == ["accuracy": 0.96])
        #expect(regenerated.semantics?.keywords == [])
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.catalog.updateSemantics(id: asset.id, changes: SemanticChanges(), for: s.alice)
        }
    }

    @Test func queriesReturnExactlyTheMatchingAssets() async throws {
        let s = try await setup()
        let good = try await s.catalog.create(.init(kind: .model, name: "good", modelPath: "runs:/run1/knnmodel"),
                                              in: s.aliceSpace.id, by: s.alice)
        _ = try await s.catalog.create(.init(kind: .model, name: "forest", metadata: ["algorithm": .string("RandomForestClassifier"),
                                                                                    "metrics": .object(["accuracy": .number(0.99)])]),
                                       in: s.aliceSpace.id, by: s.alice)
        _ = try await s.catalog.create(.init(kind: .model, name: "weak knn", metadata: ["algorithm": .string("KNeighborsClassifier"),
                                                                                      "metrics": .object(["accuracy": .number(0.5)])]),
                                       in: s.aliceSpace.id, by: s.alice)
        #expect(try await s.catalog.query("algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9", for: s.alice).map(\.id)
            == [good.id])
        #expect(try await s.catalog.query("dataset = iris", for: s.alice).map(\.id) == [good.id])
        #expect(try await s.catalog.query("metrics.accuracy > 0.9", for: s.alice).count == 2)
    }

    @Test func connectorsResourcesAndTheirDescription() async throws {
        let s = try await setup()
        let model = try await s.catalog.create(.init(kind: .model, name: "m", version: "1.0", modelPath: "runs:/run1/knnmodel"),
                                               in: s.aliceSpace.id, by: s.alice)
        let dataset = try await s.catalog.create(.init(kind: .dataset, name: "d"), in: s.aliceSpace.id, by: s.alice)
        let connectorID = "https://w3id.org/engrd/connector/provider21"
        _ = try await s.catalog.addConnector(.init(id: connectorID, name: "CORDS True Connector", publicKey: "TUlJ",
                                                   accessURL: "https://89.19.88.88:8449/"), in: s.aliceSpace.id, by: s.alice)
        await expectRefusedUnchanged(.conflict, in: s.h.store) {
            try await s.catalog.addConnector(.init(id: connectorID, name: "again"), in: s.aliceSpace.id, by: s.alice)
        }
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.catalog.addConnector(.init(id: "not an iri", name: "x"), in: s.aliceSpace.id, by: s.alice)
        }
        #expect(try await s.catalog.connectors(for: s.bob).isEmpty)
        await expectSlipwayError(.notFound) { try await s.catalog.connector(id: connectorID, preferring: s.bobSpace.id, for: s.bob) }

        let resourceID = "1b2888f8c6032ee0223373cab9c62380f594e22435170b9cad8a62769d8810ea"
        let resource = try await s.catalog.createResource(.init(id: resourceID, assetID: model.id, connectorID: connectorID,
                                                                kind: .model, timestamp: "2024-05-31T13:37:55.708378"),
                                                          by: s.alice)
        #expect(resource.id == resourceID)
        await expectRefusedUnchanged(.conflict, in: s.h.store) {
            try await s.catalog.createResource(.init(id: resourceID, assetID: model.id, connectorID: connectorID), by: s.alice)
        }
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.catalog.createResource(.init(assetID: dataset.id, connectorID: connectorID), by: s.alice)
        }
        await expectRefusedUnchanged(.notFound, in: s.h.store) {
            try await s.catalog.createResource(.init(assetID: model.id, connectorID: "https://example.org/other"), by: s.alice)
        }
        await expectRefusedUnchanged(.notFound, in: s.h.store) {
            try await s.catalog.createResource(.init(assetID: model.id, connectorID: connectorID), by: s.bob)
        }
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.catalog.createResource(.init(assetID: model.id, connectorID: connectorID, timestamp: "yesterday"),
                                               by: s.alice)
        }
        // A used connector cannot be deleted.
        await expectRefusedUnchanged(.conflict, in: s.h.store) {
            try await s.catalog.deleteConnector(id: connectorID, preferring: s.aliceSpace.id, for: s.alice)
        }

        let registered = try await s.catalog.registerResource(
            id: resourceID, .init(title: "Example IDS Resource1", description: "This is an example IDS Resource",
                                  keywords: ["cords", "energy prediction"],
                                  catalogID: "https://w3id.org/idsa/autogen/resourceCatalog/1ce75044"), by: s.alice)
        let graph = try #require(registered.registration?.document["@graph"]?.arrayValue)
        let resourceNode = try #require(graph.first { $0["@type"]?.stringValue == "ids:Resource" })
        #expect(resourceNode["ids:representation"]?.arrayValue?.count == 1)
        #expect(resourceNode["ids:contractOffer"]?.arrayValue?.count == 1)
        #expect(resourceNode["slipway:describes"]?["@id"]?.stringValue == "urn:slipway:asset:\(model.id)")
        let representation = try #require(graph.first { $0["@type"]?.stringValue == "ids:Representation" })
        #expect(representation["ids:instance"]?.arrayValue?.first?["@id"]?.stringValue == "urn:slipway:resource:\(resourceID)/artifact")
        #expect(graph.contains { $0["@type"]?.stringValue == "mls:ModelEvaluation" && $0["mls:hasValue"]?["@value"] == .number(0.96) })
        #expect(graph.contains { $0["@type"]?.stringValue == "ids:ResourceCatalog" })
        await expectRefusedUnchanged(.notFound, in: s.h.store) {
            try await s.catalog.registerResource(id: resourceID, .init(title: "mine now"), by: s.bob)
        }
        await expectRefusedUnchanged(.badRequest, in: s.h.store) {
            try await s.catalog.registerResource(id: resourceID, .init(title: ""), by: s.alice)
        }
    }

    @Test func withoutATrackingStoreATrackedPathIsNotedUnresolved() async throws {
        let h = try await ServiceHarness.make()
        let alice = try await h.accounts.register(email: "a@example.com", password: "password123", firstName: nil, lastName: nil)
        let catalog = AssetCatalogService(store: h.store, accounts: h.accounts, trackedRuns: .none)
        let local = try await catalog.create(.init(kind: .model, name: "m", modelPath: "runs:/r/m"), in: alice.workspace.id,
                                             by: alice.user)
        #expect(local.semantics?.unresolved == "this server has no tracking store to read runs from")
        let remote = try await catalog.create(.init(kind: .model, name: "r", modelPath: "runs:/r/m",
                                                    trackingURI: "http://127.0.0.1:5000"), in: alice.workspace.id, by: alice.user)
        #expect(remote.semantics?.unresolved == "this server cannot read remote tracking servers")
        // Without a path the catalog needs no tracking store.
        #expect(try await catalog.create(.init(kind: .model, name: "plain"), in: alice.workspace.id, by: alice.user).semantics != nil)
    }
}
