import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Catalog assets, data-space connectors and resources, and catalog profiles, run against
/// every backend.
@Suite("Asset catalog store contract")
struct AssetCatalogStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func asset(_ id: Character, workspace: String = "ws1", kind: CatalogAssetKind = .model, name: String = "m",
               version: String = "1", at offset: TimeInterval = 0) -> CatalogAsset {
        CatalogAsset(id: String(repeating: id, count: 64), workspaceID: workspace, kind: kind, name: name, version: version,
                     description: "about", modelPath: "runs:/r1/model", trackingURI: "http://127.0.0.1:5000",
                     metadata: ["algorithm": .string("KNeighborsClassifier"), "n": .number(3)],
                     semantics: SemanticDescription(title: name, algorithm: "KNeighborsClassifier", metrics: ["accuracy": 0.95],
                                                    run: .init(runID: "r1", experimentID: "1"),
                                                    generatedAt: t0.addingTimeInterval(offset)),
                     semanticChanges: .object(["keywords": .array([.string("k")])]),
                     createdAt: t0.addingTimeInterval(offset), createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func assetsRoundTripWithTheirUniqueness(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = asset("a")
            let second = asset("b", kind: .dataset, name: "iris", at: 1)
            let other = asset("c", workspace: "ws2", at: 2)
            try await store.insertCatalogAsset(first)
            try await store.insertCatalogAsset(second)
            try await store.insertCatalogAsset(other)
            await #expect(throws: (any Error).self) { try await store.insertCatalogAsset(asset("d")) }
            await #expect(throws: (any Error).self) { try await store.insertCatalogAsset(asset("a", name: "other")) }
            try await store.insertCatalogAsset(asset("e", version: "2", at: 3))

            #expect(try await store.catalogAsset(id: first.id) == first)
            #expect(try await store.catalogAsset(id: String(repeating: "f", count: 64)) == nil)
            #expect(try await store.catalogAssets(workspaceIDs: ["ws1"], kind: nil).map(\.id)
                == [first.id, second.id, asset("e").id])
            #expect(try await store.catalogAssets(workspaceIDs: ["ws1", "ws2"], kind: .model).map(\.id)
                == [first.id, other.id, asset("e").id])
            #expect(try await store.catalogAssets(workspaceIDs: [], kind: nil).isEmpty)

            var changed = first
            changed.name = "renamed"
            changed.semantics?.keywords = ["x"]
            changed.semanticChanges = nil
            changed.metadata = [:]
            changed.updatedAt = t0.addingTimeInterval(60)
            #expect(try await store.updateCatalogAsset(changed))
            #expect(try await store.catalogAsset(id: first.id) == changed)
            var missing = changed
            missing.id = String(repeating: "9", count: 64)
            #expect(try await store.updateCatalogAsset(missing) == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func connectorsAndResources(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let connector = DataspaceConnector(id: "https://w3id.org/engrd/connector/provider21", workspaceID: "ws1",
                                               name: "CORDS True Connector", type: "ids:BaseConnector", description: "d",
                                               publicKey: "TUlJ", accessURL: "https://89.19.88.88:8449/",
                                               reverseProxyURL: "https://localhost:8184/proxy", createdAt: t0, createdBy: "u1")
            try await store.insertDataspaceConnector(connector)
            await #expect(throws: (any Error).self) { try await store.insertDataspaceConnector(connector) }
            var elsewhere = connector
            elsewhere.workspaceID = "ws2"
            elsewhere.createdAt = t0.addingTimeInterval(1)
            try await store.insertDataspaceConnector(elsewhere)
            #expect(try await store.dataspaceConnector(workspaceID: "ws1", id: connector.id) == connector)
            #expect(try await store.dataspaceConnectors(workspaceIDs: ["ws1", "ws2"]) == [connector, elsewhere])
            #expect(try await store.dataspaceConnectors(workspaceIDs: ["ws3"]).isEmpty)

            let resource = DataspaceResource(id: String(repeating: "1", count: 64), workspaceID: "ws1",
                                             assetID: String(repeating: "a", count: 64), connectorID: connector.id,
                                             kind: .model, timestamp: "2024-05-31T13:37:55.708378", createdAt: t0,
                                             createdBy: "u1")
            try await store.insertDataspaceResource(resource)
            await #expect(throws: (any Error).self) { try await store.insertDataspaceResource(resource) }
            #expect(try await store.dataspaceResource(id: resource.id) == resource)
            #expect(try await store.dataspaceResources(workspaceIDs: ["ws1"]) == [resource])
            #expect(try await store.dataspaceResources(workspaceID: "ws1", connectorID: connector.id) == [resource])
            #expect(try await store.dataspaceResources(workspaceID: "ws2", connectorID: connector.id).isEmpty)

            var registered = resource
            registered.registration = .init(title: "t", description: nil, keywords: ["cords"], catalogID: "https://example.org/c",
                                            registeredAt: t0.addingTimeInterval(5),
                                            document: .object(["@graph": .array([.object(["@type": .string("ids:Resource")])])]))
            #expect(try await store.updateDataspaceResource(registered))
            #expect(try await store.dataspaceResource(id: resource.id) == registered)

            #expect(try await store.deleteDataspaceConnector(workspaceID: "ws1", id: connector.id))
            #expect(try await store.deleteDataspaceConnector(workspaceID: "ws1", id: connector.id) == false)
            #expect(try await store.dataspaceConnectors(workspaceIDs: ["ws1", "ws2"]) == [elsewhere])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func profiles(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.setCatalogUserProfile(CatalogUserProfile(userID: "u2", role: "ML Engineer"))
            try await store.setCatalogUserProfile(CatalogUserProfile(userID: "u1", role: nil))
            try await store.setCatalogUserProfile(CatalogUserProfile(userID: "u2", role: "Data Scientist"))
            #expect(try await store.catalogUserProfiles(userIDs: ["u1", "u2", "u3"])
                == [CatalogUserProfile(userID: "u1", role: nil), CatalogUserProfile(userID: "u2", role: "Data Scientist")])
            #expect(try await store.catalogUserProfiles(userIDs: []).isEmpty)
        }
    }
}
