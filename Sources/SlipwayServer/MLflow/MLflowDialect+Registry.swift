import Foundation
import Hummingbird
import SlipwayCore

/// The model registry RPCs (`registered-models/*`, `model-versions/*`) over
/// `ModelRegistryService` and `ModelFolderImporter`: the same models the Wallaroo dialect lists
/// and uploads. Searches read the workspace's models once and filter, order and page them
/// with `MLflowRegistrySearch`.
extension MLflowDialect {
    func registerRegistry(_ group: RouterGroup<SlipwayRequestContext>) {
        let models = core.models
        group.post("registered-models/create") { request, context in
            let (user, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let created = try await models.createRegisteredModel(
                workspaceID: workspace.id, userID: user.id, name: try message.requiredString("name"),
                description: try message.string("description"), tags: try Self.tagPairs(message))
            return JSONResponse.make(.object(["registered_model": MLflowRegistryPresenter.registeredModel(created)]))
        }
        group.get("registered-models/get") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let model = try await models.registeredModel(named: try message.requiredString("name"), workspaceID: workspace.id)
            return JSONResponse.make(.object(["registered_model": MLflowRegistryPresenter.registeredModel(model)]))
        }
        group.get("registered-models/search") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let query = try MLflowRegistrySearch(message, defaultLimit: 100, maxLimit: 1000, kind: .models)
            let all = try await models.registeredModels(workspaceID: workspace.id)
            let (page, next) = try query.page(of: all)
            var body: [String: JSONValue] = ["registered_models": .array(page.map(MLflowRegistryPresenter.registeredModel))]
            if let next { body["next_page_token"] = .string(next) }
            return JSONResponse.make(.object(body))
        }
        group.post("registered-models/rename") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let renamed = try await models.renameModel(named: try message.requiredString("name"),
                                                       to: try message.requiredString("new_name"), workspaceID: workspace.id)
            return JSONResponse.make(.object(["registered_model": MLflowRegistryPresenter.registeredModel(renamed)]))
        }
        group.patch("registered-models/update") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let updated = try await models.updateModelDescription(named: try message.requiredString("name"),
                                                                  description: try message.string("description"),
                                                                  workspaceID: workspace.id)
            return JSONResponse.make(.object(["registered_model": MLflowRegistryPresenter.registeredModel(updated)]))
        }
        group.delete("registered-models/delete") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.deleteRegisteredModel(named: try message.requiredString("name"), workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        let latest: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let stages = try message.strings("stages").map { try ModelStage(name: $0) }
            let versions = try await models.latestVersions(named: try message.requiredString("name"), stages: stages,
                                                           workspaceID: workspace.id)
            return JSONResponse.make(.object(["model_versions": .array(versions.map { MLflowRegistryPresenter.modelVersion($0) })]))
        }
        group.post("registered-models/get-latest-versions", use: latest)
        group.get("registered-models/get-latest-versions", use: latest)
        group.post("registered-models/set-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.setModelTag(named: try message.requiredString("name"), key: try message.requiredString("key"),
                                         value: try message.string("value") ?? "", workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.delete("registered-models/delete-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.deleteModelTag(named: try message.requiredString("name"), key: try message.requiredString("key"),
                                            workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.post("registered-models/alias") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.setAlias(try message.requiredString("alias"), named: try message.requiredString("name"),
                                      version: try Self.versionNumber(message), workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.delete("registered-models/alias") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.deleteAlias(try message.requiredString("alias"), named: try message.requiredString("name"),
                                         workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.get("registered-models/alias") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await models.version(named: try message.requiredString("name"),
                                                   alias: try message.requiredString("alias"), workspaceID: workspace.id)
            return JSONResponse.make(.object(["model_version": MLflowRegistryPresenter.modelVersion(version)]))
        }
        registerModelVersions(group)
    }

    func registerModelVersions(_ group: RouterGroup<SlipwayRequestContext>) {
        let models = core.models
        let importer = ModelFolderImporter(platform: core.platform, runs: runs, artifacts: artifacts, registry: models)
        group.post("model-versions/create") { request, context in
            let (user, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await importer.registerVersion(FolderVersionRequest(
                workspaceID: workspace.id, userID: user.id, modelName: try message.requiredString("name"),
                source: try message.requiredString("source"), runID: try message.string("run_id").flatMap { $0.isEmpty ? nil : $0 },
                runLink: try message.string("run_link").flatMap { $0.isEmpty ? nil : $0 },
                description: try message.string("description"), tags: try Self.tagPairs(message)))
            return JSONResponse.make(.object(["model_version": MLflowRegistryPresenter.modelVersion(version)]))
        }
        group.get("model-versions/get") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await models.version(named: try message.requiredString("name"), number: try Self.versionNumber(message),
                                                   workspaceID: workspace.id)
            return JSONResponse.make(.object(["model_version": MLflowRegistryPresenter.modelVersion(version)]))
        }
        group.get("model-versions/search") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let query = try MLflowRegistrySearch(message, defaultLimit: 10_000, maxLimit: 200_000, kind: .versions)
            let all = try await models.registeredVersions(workspaceID: workspace.id)
            let (page, next) = try query.page(of: all)
            var body: [String: JSONValue] = ["model_versions": .array(page.map { MLflowRegistryPresenter.modelVersion($0) })]
            if let next { body["next_page_token"] = .string(next) }
            return JSONResponse.make(.object(body))
        }
        group.patch("model-versions/update") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await models.updateVersionDescription(
                named: try message.requiredString("name"), number: try Self.versionNumber(message),
                description: try message.string("description"), workspaceID: workspace.id)
            return JSONResponse.make(.object(["model_version": MLflowRegistryPresenter.modelVersion(version)]))
        }
        group.post("model-versions/transition-stage") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await models.transitionStage(
                named: try message.requiredString("name"), number: try Self.versionNumber(message),
                to: try ModelStage(name: try message.requiredString("stage")),
                archiveExisting: try message.bool("archive_existing_versions") ?? false, workspaceID: workspace.id)
            return JSONResponse.make(.object(["model_version": MLflowRegistryPresenter.modelVersion(version)]))
        }
        group.delete("model-versions/delete") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.deleteVersion(named: try message.requiredString("name"), number: try Self.versionNumber(message),
                                           workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.get("model-versions/get-download-uri") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let version = try await models.version(named: try message.requiredString("name"), number: try Self.versionNumber(message),
                                                   workspaceID: workspace.id)
            return JSONResponse.make(.object(["artifact_uri": .string(MLflowRegistryPresenter.downloadURI(version.version))]))
        }
        group.post("model-versions/set-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.setVersionTag(named: try message.requiredString("name"), number: try Self.versionNumber(message),
                                           key: try message.requiredString("key"), value: try message.string("value") ?? "",
                                           workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
        group.delete("model-versions/delete-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            try await models.deleteVersionTag(named: try message.requiredString("name"), number: try Self.versionNumber(message),
                                              key: try message.requiredString("key"), workspaceID: workspace.id)
            return JSONResponse.make(.object([:]))
        }
    }

    static func tagPairs(_ message: MLflowMessage) throws -> [(key: String, value: String)] {
        try message.messages("tags").map { tag in (key: try tag.requiredString("key"), value: try tag.string("value") ?? "") }
    }

    static func versionNumber(_ message: MLflowMessage) throws -> Int {
        let text = try message.requiredString("version")
        guard let number = Int(text), number >= 1 else {
            throw MLflowError.invalidParameter("Parameter 'version' must be an integer, got '\(NameRules.printable(text))'.")
        }
        return number
    }
}
