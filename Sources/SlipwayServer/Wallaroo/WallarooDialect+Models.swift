import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/models/upload_and_convert|upload_stream|list|get_by_id|list_versions|get_config_by_id|get`
/// (protocol reference §5). Every upload is a new version of the named model in the workspace.
extension WallarooDialect {
    struct WorkspaceBody: Decodable {
        var workspace_id: Int
    }

    struct ModelIDBody: Decodable {
        var id: Int?
        var model_id: Int?
        var models_pk_id: Int?
    }

    struct ListVersionsBody: Decodable {
        var model_id: String?
        var models_pk_id: Int?
    }

    /// Upload metadata: the `metadata` JSON part, or the same fields as form fields / query.
    struct UploadMetadata: Decodable {
        struct Conversion: Decodable {
            var framework: String?
            var python_version: String?
            var requirements: [String]?
            var input_schema: String?
            var output_schema: String?
        }

        var name: String
        var visibility: String?
        var workspace_id: FlexibleInt
        var conversion: Conversion?
        var input_schema: String?
        var output_schema: String?
    }

    func registerModels(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/upload_and_convert") { request, context -> Response in
            let user = try context.wallarooUser()
            let form = try await modelForms.read(request)
            defer { form.discardFiles() }
            let metadata: UploadMetadata
            if let text = form.field("metadata") {
                metadata = try Self.decode(UploadMetadata.self, from: Data(text.utf8), what: "metadata")
            } else {
                metadata = try Self.metadata(fromFields: form.fields)
            }
            guard let file = form.files["file"] ?? form.files.values.first else {
                throw SlipwayError.badRequest("the upload has no 'file' part with the model")
            }
            let upload = try await self.upload(metadata, fileName: file.fileName, user: user)
            let version = try await core.models.upload(upload, file: file.url)
            return JSONResponse.make(WallarooModelPresenter.inserted(
                modelNumber: try await core.numbers.number(of: .model, id: version.modelID)))
        }
        api.post("models/upload_stream") { request, context -> Response in
            let user = try context.wallarooUser()
            if request.contentType.lowercased().hasPrefix("multipart/form-data") {
                let form = try await modelForms.read(request)
                defer { form.discardFiles() }
                guard let file = form.files["file"] ?? form.files.values.first else {
                    throw SlipwayError.badRequest("the upload has no 'file' part with the model")
                }
                let metadata = try Self.metadata(fromFields: form.fields + Self.queryFields(request))
                let upload = try await self.upload(metadata, fileName: form.field("filename").map(Self.baseName) ?? file.fileName,
                                                   user: user)
                let version = try await core.models.upload(upload, file: file.url)
                return JSONResponse.make(WallarooModelPresenter.inserted(
                    modelNumber: try await core.numbers.number(of: .model, id: version.modelID)))
            }
            let metadata = try Self.metadata(fromFields: Self.queryFields(request))
            let fileName = request.uri.queryParameters["filename"].map { Self.baseName(String($0)) } ?? metadata.name
            let upload = try await self.upload(metadata, fileName: fileName, user: user)
            let chunks = request.body.map { Data(buffer: $0) }
            let version = try await core.models.upload(upload, content: chunks)
            return JSONResponse.make(WallarooModelPresenter.inserted(
                modelNumber: try await core.numbers.number(of: .model, id: version.modelID)))
        }
        api.post("models/list") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(WorkspaceBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id, visibleTo: user)
            let models = try await core.models.models(workspaceID: workspace.id)
            let numbers = try await core.numbers.numbers(of: .model, ids: models.map(\.id))
            return JSONResponse.make(.object(["models": .array(models.map {
                WallarooModelPresenter.summary($0, number: numbers[$0.id] ?? 0)
            })]))
        }
        api.post("models/get_by_id") { request, context -> Response in
            let user = try context.wallarooUser()
            let (model, number, workspace) = try await self.model(try await request.wallarooBody(ModelIDBody.self), user: user)
            return JSONResponse.make(WallarooModelPresenter.detail(model, number: number, workspaceNumber: workspace.number))
        }
        api.post("models/get") { request, context -> Response in
            let user = try context.wallarooUser()
            let (model, number, _) = try await self.model(try await request.wallarooBody(ModelIDBody.self), user: user)
            let versions = try await core.models.versions(of: model)
            let versionNumbers = try await core.numbers.numbers(of: .modelVersion, ids: versions.map(\.id))
            guard case .object(var object) = WallarooModelPresenter.summary(model, number: number) else { fatalError() }
            object["models"] = .array(versions.map {
                WallarooModelPresenter.version($0, number: versionNumbers[$0.id] ?? 0, model: model, modelNumber: number,
                                               withStatus: false)
            })
            return JSONResponse.make(.object(object))
        }
        api.post("models/list_versions") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ListVersionsBody.self)
            let model: Model, number: Int
            if let pk = body.models_pk_id {
                (model, number, _) = try await self.model(ModelIDBody(id: pk), user: user)
                if let name = body.model_id, name != model.name {
                    throw SlipwayError.badRequest("model \(pk) is named '\(model.name)', not '\(NameRules.printable(name))'")
                }
            } else {
                throw SlipwayError.badRequest("'models_pk_id' is required")
            }
            let versions = try await core.models.versions(of: model)
            let versionNumbers = try await core.numbers.numbers(of: .modelVersion, ids: versions.map(\.id))
            return JSONResponse.make(.array(versions.map {
                WallarooModelPresenter.version($0, number: versionNumbers[$0.id] ?? 0, model: model, modelNumber: number)
            }))
        }
        api.post("models/get_config_by_id") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ModelIDBody.self)
            let (model, _, _) = try await self.model(body, user: user)
            guard let latest = try await core.models.versions(of: model).last else {
                return JSONResponse.make(.object(["model_config": .null]))
            }
            return JSONResponse.make(WallarooModelPresenter.configuration(
                latest, number: try await core.numbers.number(of: .modelVersion, id: latest.id)))
        }
    }

    /// The model named by `id` (or `model_id` / `models_pk_id`), in a workspace of `user`.
    func model(_ body: ModelIDBody, user: User) async throws -> (Model, Int, Workspace) {
        guard let number = body.id ?? body.model_id ?? body.models_pk_id else {
            throw SlipwayError.badRequest("'id' is required")
        }
        let id = try await core.numbers.id(of: .model, number: number, what: "model")
        let model = try await core.models.model(id: id)
        let (workspace, _) = try await accounts.workspace(id: model.workspaceID, visibleTo: user)
        return (model, number, workspace)
    }

    /// The core's upload from Wallaroo metadata: framework (default `onnx`), schemas (under
    /// `conversion` or at the top level), and the conversion options as the version's configuration.
    func upload(_ metadata: UploadMetadata, fileName: String, user: User) async throws -> ModelUpload {
        let (workspace, _) = try await accounts.workspace(number: metadata.workspace_id.value, visibleTo: user)
        if let visibility = metadata.visibility, !["public", "private"].contains(visibility) {
            throw SlipwayError.badRequest("visibility must be 'public' or 'private', not '\(NameRules.printable(visibility))'")
        }
        let frameworkName = metadata.conversion?.framework ?? "onnx"
        guard let framework = ModelFramework(rawValue: frameworkName), WallarooFrameworks.accepted.contains(frameworkName) else {
            throw SlipwayError.badRequest("unknown framework '\(NameRules.printable(frameworkName))'",
                                          details: .object(["frameworks": .array(WallarooFrameworks.accepted.sorted().map(JSONValue.string))]))
        }
        let inputSchema = try (metadata.conversion?.input_schema ?? metadata.input_schema).map { try WallarooArrowSchema.decode($0, what: "input_schema") }
        let outputSchema = try (metadata.conversion?.output_schema ?? metadata.output_schema).map { try WallarooArrowSchema.decode($0, what: "output_schema") }
        var configuration: [String: JSONValue] = ["visibility": .string(metadata.visibility ?? "private")]
        if let python = metadata.conversion?.python_version { configuration["python_version"] = .string(python) }
        if let requirements = metadata.conversion?.requirements { configuration["requirements"] = .array(requirements.map(JSONValue.string)) }
        return ModelUpload(workspaceID: workspace.id, userID: user.id, name: metadata.name, fileName: fileName,
                           framework: framework, inputSchema: inputSchema, outputSchema: outputSchema,
                           configuration: .object(configuration))
    }

    static func metadata(fromFields fields: [(String, String)]) throws -> UploadMetadata {
        func value(_ key: String) -> String? { fields.last { $0.0 == key }?.1 }
        guard let name = value("name") else { throw SlipwayError.badRequest("'name' is required") }
        guard let workspace = value("workspace_id") else { throw SlipwayError.badRequest("'workspace_id' is required") }
        guard let number = Int(workspace) else { throw SlipwayError.badRequest("'workspace_id' must be an integer") }
        var conversion: UploadMetadata.Conversion?
        if let framework = value("framework") {
            conversion = UploadMetadata.Conversion(framework: framework)
        }
        return UploadMetadata(name: name, visibility: value("visibility"), workspace_id: FlexibleInt(value: number),
                              conversion: conversion)
    }

    static func queryFields(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw SlipwayError.badRequest("\(what): " + Request.describe(error))
        }
    }
}

/// An integer sent as a JSON number or as a string of digits (the seed documents
/// `workspace_id` as a string and sends an int).
struct FlexibleInt: Decodable {
    var value: Int

    init(value: Int) {
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int(text) {
            value = number
        } else {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: decoder.codingPath, debugDescription: "not an integer"))
        }
    }
}
