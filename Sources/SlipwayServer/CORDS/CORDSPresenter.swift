import Foundation
import SlipwayCore

/// The JSON shapes of CORDS answers: snake_case fields, ids as 64-hex digests, dates in ISO
/// 8601, the creator of each asset as a small user object (never a credential).
enum CORDSPresenter {
    static func user(_ user: User, role: String?) -> JSONValue {
        .object(["user_id": .string(user.id), "email": .string(user.email), "first_name": user.firstName.json,
                 "last_name": user.lastName.json, "role": role.json, "username": .string(user.name)])
    }

    static func asset(_ asset: CatalogAsset, creator: JSONValue?, workspace: String?) -> JSONValue {
        var object: [String: JSONValue] = [
            "asset_id": .string(asset.id), "type": .string(asset.kind.rawValue), "name": .string(asset.name),
            "version": .string(asset.version), "description": asset.description.json,
            "metadata": .object(asset.metadata), "created_at": asset.createdAt.json, "updated_at": asset.updatedAt.json,
            "created_by": creator ?? .object(["user_id": .string(asset.createdBy)]),
            "has_semantics": .bool(asset.semantics != nil),
        ]
        if let workspace { object["workspace"] = .string(workspace) }
        if asset.kind == .model || asset.modelPath != nil {
            object["ml_flow_model_path"] = asset.modelPath.json
            object["ml_flow_tracking_uri"] = asset.trackingURI.json
        }
        if let run = asset.semantics?.run {
            object["ml_flow_run_id"] = .string(run.runID)
            object["ml_flow_experiment_id"] = .string(run.experimentID)
        }
        return .object(object)
    }

    static func semantics(_ asset: CatalogAsset) -> JSONValue {
        guard let semantics = asset.semantics else { return .null }
        return semantics.jsonLD(assetID: asset.id, kind: asset.kind)
    }

    static func connector(_ connector: DataspaceConnector) -> JSONValue {
        .object(["id": .string(connector.id), "name": .string(connector.name), "type": .string(connector.type),
                 "description": connector.description.json, "public_key": connector.publicKey.json,
                 "access_url": connector.accessURL.json, "reverse_proxy_url": connector.reverseProxyURL.json,
                 "created_at": connector.createdAt.json, "created_by": .string(connector.createdBy)])
    }

    static func resource(_ resource: DataspaceResource) -> JSONValue {
        var object: [String: JSONValue] = [
            "resource_id": .string(resource.id), "asset_id": .string(resource.assetID),
            "connector_id": .string(resource.connectorID), "type": .string(resource.kind.rawValue),
            "timestamp": resource.timestamp.json, "created_at": resource.createdAt.json,
            "created_by": .string(resource.createdBy), "registered": .bool(resource.registration != nil),
        ]
        if let registration = resource.registration {
            object["title"] = .string(registration.title)
            object["description"] = registration.description.json
            object["keywords"] = .array(registration.keywords.map(JSONValue.string))
            object["catalog_id"] = registration.catalogID.json
            object["registered_at"] = registration.registeredAt.json
        }
        return .object(object)
    }
}
