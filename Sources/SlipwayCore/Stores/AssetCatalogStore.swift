import Foundation

/// The ML asset catalog: assets, data-space connectors and shared resources, and what the
/// catalog keeps about its users.
public protocol AssetCatalogStore: Sendable {
    /// Inserts the asset; a second one with the same id, or the same (workspace, kind, name,
    /// version), is refused.
    func insertCatalogAsset(_ asset: CatalogAsset) async throws
    func catalogAsset(id: String) async throws -> CatalogAsset?
    /// The assets of these workspaces (of one kind when given), oldest first.
    func catalogAssets(workspaceIDs: [String], kind: CatalogAssetKind?) async throws -> [CatalogAsset]
    /// Replaces the stored asset (same id); false when there is none.
    func updateCatalogAsset(_ asset: CatalogAsset) async throws -> Bool

    /// Inserts the connector; a second one with the same id in the workspace is refused.
    func insertDataspaceConnector(_ connector: DataspaceConnector) async throws
    func dataspaceConnector(workspaceID: String, id: String) async throws -> DataspaceConnector?
    /// The connectors of these workspaces, oldest first.
    func dataspaceConnectors(workspaceIDs: [String]) async throws -> [DataspaceConnector]
    func deleteDataspaceConnector(workspaceID: String, id: String) async throws -> Bool

    /// Inserts the resource; a second one with the same id is refused.
    func insertDataspaceResource(_ resource: DataspaceResource) async throws
    func dataspaceResource(id: String) async throws -> DataspaceResource?
    /// The resources of these workspaces, oldest first.
    func dataspaceResources(workspaceIDs: [String]) async throws -> [DataspaceResource]
    /// The resources shared through a connector of a workspace.
    func dataspaceResources(workspaceID: String, connectorID: String) async throws -> [DataspaceResource]
    /// Replaces the stored resource (same id); false when there is none.
    func updateDataspaceResource(_ resource: DataspaceResource) async throws -> Bool

    func setCatalogUserProfile(_ profile: CatalogUserProfile) async throws
    func catalogUserProfiles(userIDs: [String]) async throws -> [CatalogUserProfile]
}
