import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/models/create_registry|attach_registry_to_workspace|remove_registry_from_workspace|
/// get_registry|list_registries|list_registry_models|list_registry_model_version_artifacts|
/// upload_from_registry` (protocol reference §6): MLflow registries (another tracking server, or
/// this one) that workspaces browse and import models from. The seed's spellings are all
/// accepted (`id` or `registry_id`, `workspace_id` or `workspace-id`). Tokens are never shown:
/// listings carry the masked form (contracts: last four characters).
extension WallarooDialect {
    struct CreateRegistryBody: Decodable {
        var workspace_id: FlexibleInt
        var name: String
        var url: String
        var token: String?
    }

    /// A body naming a registry (and, for attach/remove, a workspace).
    struct RegistryBody: Decodable {
        var id: String?
        var registry_id: String?
        var workspace_id: FlexibleInt?

        var registryID: String {
            get throws {
                guard let value = registry_id ?? id, !value.isEmpty else { throw SlipwayError.badRequest("'registry_id' is required") }
                return value
            }
        }

        var workspaceNumber: Int {
            get throws {
                guard let value = workspace_id?.value else { throw SlipwayError.badRequest("'workspace_id' is required") }
                return value
            }
        }
    }

    struct ListRegistriesBody: Decodable {
        var workspace_id: FlexibleInt?
        var workspaceHyphen: FlexibleInt?

        enum CodingKeys: String, CodingKey {
            case workspace_id
            case workspaceHyphen = "workspace-id"
        }
    }

    struct RegistryVersionBody: Decodable {
        var registry_id: String?
        var id: String?
        var name: String
        var version: FlexibleString
    }

    struct RegistryUploadBody: Decodable {
        var registry_id: String?
        var id: String?
        var name: String
        var path: String
        var visibility: String?
        var workspace_id: FlexibleInt
        var conversion: UploadMetadata.Conversion?
        var input_schema: String?
        var output_schema: String?
    }

    func registerRegistries(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/create_registry") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(CreateRegistryBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let connection = try await core.registries.create(name: body.name, url: body.url, token: body.token,
                                                              in: workspace, by: user)
            return JSONResponse.make(.object(["id": .string(connection.id), "workspace_id": .number(Double(workspace.number))]))
        }
        api.post("models/attach_registry_to_workspace") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryBody.self)
            let connection = try await core.registries.connection(id: try body.registryID, visibleTo: user)
            let (workspace, _) = try await accounts.workspace(number: try body.workspaceNumber, visibleTo: user)
            _ = try await core.registries.attach(connection, to: workspace)
            return JSONResponse.make(.object(["registry_id": .string(connection.id), "workspace_id": .number(Double(workspace.number))]))
        }
        api.post("models/remove_registry_from_workspace") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryBody.self)
            let connection = try await core.registries.connection(id: try body.registryID, visibleTo: user)
            let (workspace, _) = try await accounts.workspace(number: try body.workspaceNumber, visibleTo: user)
            try await core.registries.detach(connection, from: workspace)
            return JSONResponse.make(.object(["registry_id": .string(connection.id), "workspace_id": .number(Double(workspace.number))]))
        }
        api.post("models/get_registry") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryBody.self)
            let connection = try await core.registries.connection(id: try body.registryID, visibleTo: user)
            return JSONResponse.make(try Self.registry(connection, sealer: platform.sealer))
        }
        api.post("models/list_registries") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ListRegistriesBody.self)
            guard let number = body.workspace_id?.value ?? body.workspaceHyphen?.value else {
                throw SlipwayError.badRequest("'workspace_id' is required")
            }
            let (workspace, _) = try await accounts.workspace(number: number, visibleTo: user)
            let connections = try await core.registries.connections(in: workspace)
            return JSONResponse.make(.array(try connections.map { try Self.registry($0, sealer: platform.sealer) }))
        }
        api.post("models/list_registry_models") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryBody.self)
            let connection = try await core.registries.connection(id: try body.registryID, visibleTo: user)
            let page = try await core.registries.registeredModels(connection)
            return JSONResponse.make(.object([
                "next_page_token": page.nextPageToken.json,
                "registered_models": .array(page.models.map(Self.registeredModel)),
            ]))
        }
        api.post("models/list_registry_model_version_artifacts") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryVersionBody.self)
            guard let id = body.registry_id ?? body.id else { throw SlipwayError.badRequest("'registry_id' is required") }
            let connection = try await core.registries.connection(id: id, visibleTo: user)
            let files = try await core.registries.artifactFiles(connection, name: body.name, version: body.version.value)
            return JSONResponse.make(.array(files.map { file in
                .object([
                    "file_size": file.size.map { .number(Double($0)) } ?? .null, "full_path": .string(file.url),
                    "is_dir": .bool(file.isDirectory), "modification_time": .null, "path": .string(file.path),
                ])
            }))
        }
        api.post("models/upload_from_registry") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(RegistryUploadBody.self)
            guard let id = body.registry_id ?? body.id else { throw SlipwayError.badRequest("'registry_id' is required") }
            let metadata = UploadMetadata(name: body.name, visibility: body.visibility, workspace_id: body.workspace_id,
                                          conversion: body.conversion, input_schema: body.input_schema,
                                          output_schema: body.output_schema)
            let upload = try await self.upload(metadata, fileName: "model", user: user)
            let connection = try await core.registries.connection(id: id, visibleTo: user)
            guard connection.workspaceIDs.contains(upload.workspaceID) else {
                throw SlipwayError.forbidden("registry '\(connection.id)' is not attached to workspace \(body.workspace_id.value)")
            }
            let version = try await core.registries.importModel(from: connection, location: body.path, as: upload)
            return JSONResponse.make(.object(["model_id": .number(Double(try await core.numbers.number(of: .model, id: version.modelID)))]))
        }
    }

    /// A registry as `get_registry` and `list_registries` show it: the token masked.
    static func registry(_ connection: ModelRegistryConnection, sealer: SecretSealer) throws -> JSONValue {
        let token = connection.sealedToken.flatMap { sealer.open($0) }
        return .object([
            "id": .string(connection.id), "name": .string(connection.name), "url": .string(connection.url.absoluteString),
            "token": token.map { .string(ModelRegistryConnection.maskedToken($0)) } ?? .null,
            "created_at": .string(WallarooTimestamp.entity(connection.createdAt)),
            "updated_at": .string(WallarooTimestamp.entity(connection.updatedAt)),
        ])
    }

    static func registeredModel(_ model: RemoteRegisteredModel) -> JSONValue {
        .object([
            "name": .string(model.name), "user_id": model.userID.json, "description": model.description.json,
            "creation_timestamp": model.createdAt.map { .number(WallarooTimestamp.milliseconds($0)) } ?? .null,
            "last_updated_timestamp": model.updatedAt.map { .number(WallarooTimestamp.milliseconds($0)) } ?? .null,
            "latest_versions": model.latestVersions.map { .array($0.map(Self.registeredVersion)) } ?? .null,
        ])
    }

    static func registeredVersion(_ version: RemoteModelVersion) -> JSONValue {
        .object([
            "name": .string(version.name), "version": .string(version.version), "description": version.description.json,
            "status": .string(version.status), "run_id": version.runID.json, "run_link": version.runLink.json,
            "source": .string(version.source), "current_stage": version.stage.json,
            "creation_timestamp": version.createdAt.map { .number(WallarooTimestamp.milliseconds($0)) } ?? .null,
            "last_updated_timestamp": version.updatedAt.map { .number(WallarooTimestamp.milliseconds($0)) } ?? .null,
        ])
    }
}

/// A string sent as a JSON string or number (`"version": "2"` or `2`).
struct FlexibleString: Decodable {
    var value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            value = text
        } else if let number = try? container.decode(Int.self) {
            value = String(number)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "a string"))
        }
    }
}
