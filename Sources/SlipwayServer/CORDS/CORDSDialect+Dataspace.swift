import Foundation
import Hummingbird
import SlipwayCore

extension CORDSDialect {
    /// Connectors: `POST dataspace_connector/add_connector` (the seed's fields: id, name, type,
    /// description, public_key, access_url, reverse_proxy_url) → 201;
    /// `GET dataspace_connector/get_connectors`; `GET …/get_connector?connector_id=`;
    /// `DELETE …/delete_connector?connector_id=` (refused while a resource uses it).
    /// Resources: `POST dataspace_resource/create_resource` (asset_id, connector_id, optional
    /// resource_id, timestamp, type) → 201; `GET dataspace_resource/get_resources`,
    /// `GET …/get_resource/{resource_id}`, `GET …/get_description/{resource_id}`;
    /// `POST dataspace_connector/register_resource/{resource_id}` (title, description,
    /// keywords, catalog_id) → the IDS resource description (JSON-LD).
    func registerDataspace(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("dataspace_connector/add_connector") { request, context -> Response in
            let (user, workspace) = try context.cordsScope()
            let body = try await CORDSRequestBody(request)
            let draft = AssetCatalogService.ConnectorDraft(
                id: try body.requiredString("id"), name: try body.requiredString("name"),
                type: try body.string("type") ?? "ids:BaseConnector", description: try body.string("description"),
                publicKey: try body.string("public_key"), accessURL: try body.string("access_url"),
                reverseProxyURL: try body.string("reverse_proxy_url"))
            let connector = try await catalog.addConnector(draft, in: workspace.id, by: user)
            var answer = CORDSPresenter.connector(connector).objectValue ?? [:]
            answer["message"] = .string("connector added")
            return JSONResponse.make(.object(answer), status: .created)
        }
        api.get("dataspace_connector/get_connectors") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let connectors = try await catalog.connectors(for: user)
            return JSONResponse.make(.object(["connectors": .array(connectors.map(CORDSPresenter.connector)),
                                              "count": .number(Double(connectors.count))]))
        }
        api.get("dataspace_connector/get_connector") { request, context -> Response in
            let (user, workspace) = try context.cordsScope()
            let connector = try await catalog.connector(id: try Self.connectorID(request), preferring: workspace.id, for: user)
            return JSONResponse.make(CORDSPresenter.connector(connector))
        }
        api.delete("dataspace_connector/delete_connector") { request, context -> Response in
            let (user, workspace) = try context.cordsScope()
            let connector = try await catalog.deleteConnector(id: try Self.connectorID(request), preferring: workspace.id,
                                                              for: user)
            return JSONResponse.make(.object(["id": .string(connector.id), "message": .string("connector deleted")]))
        }
        api.post("dataspace_connector/register_resource/:resource_id") { request, context -> Response in
            let (user, _) = try context.cordsScope()
            let body = try await CORDSRequestBody(request)
            let draft = AssetCatalogService.RegistrationDraft(
                title: try body.requiredString("title"), description: try body.string("description"),
                keywords: try body.strings("keywords") ?? [], catalogID: try body.string("catalog_id"))
            let resource = try await catalog.registerResource(id: try context.parameters.require("resource_id"), draft,
                                                              by: user)
            return Self.jsonLD(resource.registration?.document ?? .null)
        }

        api.post("dataspace_resource/create_resource") { request, context -> Response in
            let (user, _) = try context.cordsScope()
            let body = try await CORDSRequestBody(request)
            let draft = AssetCatalogService.ResourceDraft(
                id: try body.string("resource_id"), assetID: try body.requiredString("asset_id"),
                connectorID: try body.requiredString("connector_id"), kind: try Self.kind(try body.string("type")),
                timestamp: try body.string("timestamp"))
            let resource = try await catalog.createResource(draft, by: user)
            var answer = CORDSPresenter.resource(resource).objectValue ?? [:]
            answer["message"] = .string("resource created")
            return JSONResponse.make(.object(answer), status: .created)
        }
        api.get("dataspace_resource/get_resources") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let resources = try await catalog.resources(for: user)
            return JSONResponse.make(.object(["resources": .array(resources.map(CORDSPresenter.resource)),
                                              "count": .number(Double(resources.count))]))
        }
        api.get("dataspace_resource/get_resource/:resource_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let resource = try await catalog.resource(id: try context.parameters.require("resource_id"), for: user)
            return JSONResponse.make(CORDSPresenter.resource(resource))
        }
        api.get("dataspace_resource/get_description/:resource_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let resource = try await catalog.resource(id: try context.parameters.require("resource_id"), for: user)
            guard let registration = resource.registration else {
                throw SlipwayError.notFound("resource description of", resource.id + " (register the resource first)")
            }
            return Self.jsonLD(registration.document)
        }
    }

    static func connectorID(_ request: Request) throws -> String {
        guard let id = request.cordsQuery("connector_id"), !id.isEmpty else {
            throw SlipwayError.badRequest("'connector_id' is required (a query parameter)")
        }
        return id
    }
}
