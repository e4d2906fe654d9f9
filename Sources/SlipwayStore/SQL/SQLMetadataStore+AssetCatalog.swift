import Foundation
import SQLKit
import SlipwayCore

/// `AssetCatalogStore` on SQL. Metadata, semantic descriptions and registrations are JSON text.
extension SQLMetadataStore {
    public func insertCatalogAsset(_ asset: CatalogAsset) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO catalog_assets (id, workspace_id, kind, name, version, description, model_path, tracking_uri,
                    metadata_json, semantics_json, semantic_changes_json, created_at, created_by, updated_at)
                VALUES (\(bind: asset.id), \(bind: asset.workspaceID), \(bind: asset.kind.rawValue), \(bind: asset.name),
                    \(bind: asset.version), \(bind: asset.description), \(bind: asset.modelPath), \(bind: asset.trackingURI),
                    \(bind: encodeJSON(asset.metadata)), \(bind: asset.semantics.map { encodeJSON($0) }),
                    \(bind: asset.semanticChanges.map { encodeJSON($0) }), \(bind: asset.createdAt.timeIntervalSince1970), \(bind: asset.createdBy),
                    \(bind: asset.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func catalogAsset(id: String) async throws -> CatalogAsset? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM catalog_assets WHERE id = \(bind: id)").first().map(Self.catalogAsset(from:))
        }
    }

    public func catalogAssets(workspaceIDs: [String], kind: CatalogAssetKind?) async throws -> [CatalogAsset] {
        guard !workspaceIDs.isEmpty else { return [] }
        var query: SQLQueryString = "SELECT * FROM catalog_assets WHERE workspace_id IN (\(Self.list(workspaceIDs)))"
        if let kind { query += " AND kind = \(bind: kind.rawValue)" as SQLQueryString }
        query += " ORDER BY created_at, id"
        let text = query
        return try await withDatabase { db in
            try await db.raw(text).all().map(Self.catalogAsset(from:))
        }
    }

    public func updateCatalogAsset(_ asset: CatalogAsset) async throws -> Bool {
        try await withDatabase { db in
            let rows = try await db.raw("""
                UPDATE catalog_assets SET name = \(bind: asset.name), version = \(bind: asset.version),
                    description = \(bind: asset.description), model_path = \(bind: asset.modelPath),
                    tracking_uri = \(bind: asset.trackingURI), metadata_json = \(bind: encodeJSON(asset.metadata)),
                    semantics_json = \(bind: asset.semantics.map { encodeJSON($0) }), semantic_changes_json = \(bind: asset.semanticChanges.map { encodeJSON($0) }),
                    updated_at = \(bind: asset.updatedAt.timeIntervalSince1970)
                WHERE id = \(bind: asset.id) RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    public func insertDataspaceConnector(_ connector: DataspaceConnector) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO dataspace_connectors (workspace_id, id, name, type, description, public_key, access_url,
                    reverse_proxy_url, created_at, created_by)
                VALUES (\(bind: connector.workspaceID), \(bind: connector.id), \(bind: connector.name), \(bind: connector.type),
                    \(bind: connector.description), \(bind: connector.publicKey), \(bind: connector.accessURL),
                    \(bind: connector.reverseProxyURL), \(bind: connector.createdAt.timeIntervalSince1970),
                    \(bind: connector.createdBy))
                """).run()
        }
    }

    public func dataspaceConnector(workspaceID: String, id: String) async throws -> DataspaceConnector? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM dataspace_connectors WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)")
                .first().map(Self.connector(from:))
        }
    }

    public func dataspaceConnectors(workspaceIDs: [String]) async throws -> [DataspaceConnector] {
        guard !workspaceIDs.isEmpty else { return [] }
        let query: SQLQueryString = """
            SELECT * FROM dataspace_connectors WHERE workspace_id IN (\(Self.list(workspaceIDs))) ORDER BY created_at, id
            """
        return try await withDatabase { db in
            try await db.raw(query).all().map(Self.connector(from:))
        }
    }

    public func deleteDataspaceConnector(workspaceID: String, id: String) async throws -> Bool {
        try await withDatabase { db in
            let rows = try await db.raw("""
                DELETE FROM dataspace_connectors WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id) RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    public func insertDataspaceResource(_ resource: DataspaceResource) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO dataspace_resources (id, workspace_id, asset_id, connector_id, kind, timestamp_text,
                    registration_json, created_at, created_by)
                VALUES (\(bind: resource.id), \(bind: resource.workspaceID), \(bind: resource.assetID),
                    \(bind: resource.connectorID), \(bind: resource.kind.rawValue), \(bind: resource.timestamp),
                    \(bind: resource.registration.map { encodeJSON($0) }), \(bind: resource.createdAt.timeIntervalSince1970),
                    \(bind: resource.createdBy))
                """).run()
        }
    }

    public func dataspaceResource(id: String) async throws -> DataspaceResource? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM dataspace_resources WHERE id = \(bind: id)").first().map(Self.resource(from:))
        }
    }

    public func dataspaceResources(workspaceIDs: [String]) async throws -> [DataspaceResource] {
        guard !workspaceIDs.isEmpty else { return [] }
        let query: SQLQueryString = """
            SELECT * FROM dataspace_resources WHERE workspace_id IN (\(Self.list(workspaceIDs))) ORDER BY created_at, id
            """
        return try await withDatabase { db in
            try await db.raw(query).all().map(Self.resource(from:))
        }
    }

    public func dataspaceResources(workspaceID: String, connectorID: String) async throws -> [DataspaceResource] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM dataspace_resources WHERE workspace_id = \(bind: workspaceID)
                    AND connector_id = \(bind: connectorID) ORDER BY created_at, id
                """).all().map(Self.resource(from:))
        }
    }

    public func updateDataspaceResource(_ resource: DataspaceResource) async throws -> Bool {
        try await withDatabase { db in
            let rows = try await db.raw("""
                UPDATE dataspace_resources SET connector_id = \(bind: resource.connectorID),
                    timestamp_text = \(bind: resource.timestamp),
                    registration_json = \(bind: resource.registration.map { encodeJSON($0) })
                WHERE id = \(bind: resource.id) RETURNING id
                """).all()
            return !rows.isEmpty
        }
    }

    public func setCatalogUserProfile(_ profile: CatalogUserProfile) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO catalog_user_profiles (user_id, role) VALUES (\(bind: profile.userID), \(bind: profile.role))
                ON CONFLICT (user_id) DO UPDATE SET role = excluded.role
                """).run()
        }
    }

    public func catalogUserProfiles(userIDs: [String]) async throws -> [CatalogUserProfile] {
        guard !userIDs.isEmpty else { return [] }
        let query: SQLQueryString = "SELECT * FROM catalog_user_profiles WHERE user_id IN (\(Self.list(userIDs))) ORDER BY user_id"
        return try await withDatabase { db in
            try await db.raw(query).all().map { CatalogUserProfile(userID: try $0.string("user_id"), role: try $0.optionalString("role")) }
        }
    }

    static func catalogAsset(from row: any SQLRow) throws -> CatalogAsset {
        let kind = try row.string("kind")
        guard let assetKind = CatalogAssetKind(rawValue: kind) else {
            throw SlipwayError.internal("catalog asset kind '\(kind)' is not known")
        }
        return CatalogAsset(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), kind: assetKind, name: try row.string("name"),
            version: try row.string("version"), description: try row.optionalString("description"),
            modelPath: try row.optionalString("model_path"), trackingURI: try row.optionalString("tracking_uri"),
            metadata: try row.json("metadata_json", as: [String: JSONValue].self),
            semantics: try row.optionalJSON("semantics_json", as: SemanticDescription.self),
            semanticChanges: try row.optionalJSON("semantic_changes_json", as: JSONValue.self),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"),
            updatedAt: try row.date("updated_at"))
    }

    static func connector(from row: any SQLRow) throws -> DataspaceConnector {
        DataspaceConnector(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), name: try row.string("name"),
            type: try row.string("type"), description: try row.optionalString("description"),
            publicKey: try row.optionalString("public_key"), accessURL: try row.optionalString("access_url"),
            reverseProxyURL: try row.optionalString("reverse_proxy_url"), createdAt: try row.date("created_at"),
            createdBy: try row.string("created_by"))
    }

    static func resource(from row: any SQLRow) throws -> DataspaceResource {
        let kind = try row.string("kind")
        return DataspaceResource(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), assetID: try row.string("asset_id"),
            connectorID: try row.string("connector_id"), kind: CatalogAssetKind(rawValue: kind) ?? .model,
            timestamp: try row.optionalString("timestamp_text"),
            registration: try row.optionalJSON("registration_json", as: DataspaceResource.Registration.self),
            createdAt: try row.date("created_at"), createdBy: try row.string("created_by"))
    }
}
