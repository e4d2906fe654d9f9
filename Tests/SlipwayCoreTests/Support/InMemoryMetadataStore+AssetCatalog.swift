import Foundation
@testable import SlipwayCore

/// `AssetCatalogStore` in memory, with the SQL backends' constraints and orders.
extension InMemoryMetadataStore {
    func insertCatalogAsset(_ asset: CatalogAsset) async throws {
        try write { state in
            guard !state.catalogAssets.contains(where: { $0.id == asset.id }) else { throw Self.duplicate("catalog_assets.id") }
            guard !state.catalogAssets.contains(where: {
                $0.workspaceID == asset.workspaceID && $0.kind == asset.kind && $0.name == asset.name && $0.version == asset.version
            }) else { throw Self.duplicate("catalog_assets.workspace_id, kind, name, version") }
            state.catalogAssets.append(asset)
        }
    }

    func catalogAsset(id: String) async throws -> CatalogAsset? {
        read { $0.catalogAssets.first { $0.id == id } }
    }

    func catalogAssets(workspaceIDs: [String], kind: CatalogAssetKind?) async throws -> [CatalogAsset] {
        read { state in
            Self.byCreation(state.catalogAssets.filter { workspaceIDs.contains($0.workspaceID) && (kind == nil || $0.kind == kind) },
                            \.createdAt)
        }
    }

    func updateCatalogAsset(_ asset: CatalogAsset) async throws -> Bool {
        try write { state in
            guard let index = state.catalogAssets.firstIndex(where: { $0.id == asset.id }) else { return false }
            state.catalogAssets[index] = asset
            return true
        }
    }

    func insertDataspaceConnector(_ connector: DataspaceConnector) async throws {
        try write { state in
            guard !state.connectors.contains(where: { $0.workspaceID == connector.workspaceID && $0.id == connector.id }) else {
                throw Self.duplicate("dataspace_connectors.workspace_id, id")
            }
            state.connectors.append(connector)
        }
    }

    func dataspaceConnector(workspaceID: String, id: String) async throws -> DataspaceConnector? {
        read { $0.connectors.first { $0.workspaceID == workspaceID && $0.id == id } }
    }

    func dataspaceConnectors(workspaceIDs: [String]) async throws -> [DataspaceConnector] {
        read { Self.byCreation($0.connectors.filter { workspaceIDs.contains($0.workspaceID) }, \.createdAt) }
    }

    func deleteDataspaceConnector(workspaceID: String, id: String) async throws -> Bool {
        try write { state in
            let before = state.connectors.count
            state.connectors.removeAll { $0.workspaceID == workspaceID && $0.id == id }
            return state.connectors.count < before
        }
    }

    func insertDataspaceResource(_ resource: DataspaceResource) async throws {
        try write { state in
            guard !state.resources.contains(where: { $0.id == resource.id }) else { throw Self.duplicate("dataspace_resources.id") }
            state.resources.append(resource)
        }
    }

    func dataspaceResource(id: String) async throws -> DataspaceResource? {
        read { $0.resources.first { $0.id == id } }
    }

    func dataspaceResources(workspaceIDs: [String]) async throws -> [DataspaceResource] {
        read { Self.byCreation($0.resources.filter { workspaceIDs.contains($0.workspaceID) }, \.createdAt) }
    }

    func dataspaceResources(workspaceID: String, connectorID: String) async throws -> [DataspaceResource] {
        read { Self.byCreation($0.resources.filter { $0.workspaceID == workspaceID && $0.connectorID == connectorID }, \.createdAt) }
    }

    func updateDataspaceResource(_ resource: DataspaceResource) async throws -> Bool {
        try write { state in
            guard let index = state.resources.firstIndex(where: { $0.id == resource.id }) else { return false }
            state.resources[index] = resource
            return true
        }
    }

    func setCatalogUserProfile(_ profile: CatalogUserProfile) async throws {
        try write { $0.catalogProfiles[profile.userID] = profile }
    }

    func catalogUserProfiles(userIDs: [String]) async throws -> [CatalogUserProfile] {
        read { state in userIDs.sorted().compactMap { state.catalogProfiles[$0] } }
    }
}
