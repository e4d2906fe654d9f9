import Foundation
import Hummingbird
import SlipwayCore

extension CORDSDialect {
    /// One area per asset kind, with the seed's naming: `ml_models/add_model`,
    /// `ml_models/update_model/{asset_id}`, `ml_models/get_model/{asset_id}`,
    /// `ml_models/get_models`, and the same for `datasets/…_dataset(s)` and
    /// `fl_trainings/…_training(s)`; `ml_assets/get_assets` and `ml_assets/get_asset/{asset_id}`
    /// over every kind; `ml_models/get_model_artifacts/{asset_id}` and
    /// `ml_flow/get_run_artifacts/{run_id}` list tracked files.
    func registerAssets(_ api: RouterGroup<SlipwayRequestContext>) {
        for (area, kind, singular) in [("ml_models", CatalogAssetKind.model, "model"), ("datasets", .dataset, "dataset"),
                                       ("fl_trainings", .training, "training")] {
            api.post("\(area)/add_\(singular)") { request, context -> Response in
                let (user, workspace) = try context.cordsScope()
                let body = try await CORDSRequestBody(request)
                let draft = try Self.draft(kind: kind, body)
                let asset = try await catalog.create(draft, in: workspace.id, by: user)
                var answer = try await present([asset]).first?.objectValue ?? [:]
                answer["message"] = .string("\(singular) added")
                return JSONResponse.make(.object(answer), status: .created)
            }
            let update: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
                let (user, _) = try context.cordsScope()
                let id = try context.parameters.require("asset_id")
                let body = try await CORDSRequestBody(request)
                let asset = try await catalog.update(id: id, kind: kind, changes: try Self.changes(body), by: user)
                return JSONResponse.make(try await present([asset]).first ?? .null)
            }
            api.put("\(area)/update_\(singular)/:asset_id", use: update)
            api.post("\(area)/update_\(singular)/:asset_id", use: update)
            api.get("\(area)/get_\(singular)/:asset_id") { _, context -> Response in
                let (user, _) = try context.cordsScope()
                let asset = try await catalog.asset(id: try context.parameters.require("asset_id"), kind: kind, for: user)
                return JSONResponse.make(try await present([asset], withSemantics: true).first ?? .null)
            }
            api.get("\(area)/get_\(singular)s") { _, context -> Response in
                let (user, _) = try context.cordsScope()
                let assets = try await catalog.assets(kind: kind, for: user)
                return JSONResponse.make(.object(["\(singular)s": .array(try await present(assets)),
                                                  "count": .number(Double(assets.count))]))
            }
        }

        api.get("ml_assets/get_assets") { request, context -> Response in
            let (user, _) = try context.cordsScope()
            let kind = try Self.kind(request.cordsQuery("type"))
            let assets = try await catalog.assets(kind: kind, for: user)
            return JSONResponse.make(.object(["assets": .array(try await present(assets)), "count": .number(Double(assets.count))]))
        }
        api.get("ml_assets/get_asset/:asset_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let asset = try await catalog.asset(id: try context.parameters.require("asset_id"), kind: nil, for: user)
            return JSONResponse.make(try await present([asset], withSemantics: true).first ?? .null)
        }
        api.get("ml_models/get_model_artifacts/:asset_id") { _, context -> Response in
            let (user, _) = try context.cordsScope()
            let id = try context.parameters.require("asset_id")
            let (folder, files) = try await catalog.modelFiles(id: id, for: user)
            return JSONResponse.make(.object(["asset_id": .string(id.lowercased()), "artifact_path": folder.json,
                                              "artifacts": .array(files.map(JSONValue.string))]))
        }
        api.get("ml_flow/get_run_artifacts/:run_id") { request, context -> Response in
            let (user, workspace) = try context.cordsScope()
            let runID = try context.parameters.require("run_id")
            let uri = request.cordsQuery("tracking_uri")
            let (run, files) = try await catalog.runArtifacts(runID: runID, trackingURI: uri, workspaceID: workspace.id, for: user)
            return JSONResponse.make(.object([
                "run_id": .string(run.runID), "experiment_id": .string(run.experimentID), "run_name": .string(run.name),
                "status": .string(run.status), "artifact_path": .string(run.artifactPath),
                "artifact_uri": .string("mlflow-artifacts:/" + run.artifactPath),
                "artifacts": .array(files.map(JSONValue.string)),
                "params": .object(run.params.mapValues(JSONValue.string)),
                "metrics": .object(run.metrics.mapValues(JSONValue.number)),
            ]))
        }
    }

    /// Fields every kind takes; the rest of the body (besides these) is the asset's metadata.
    static let assetFields: Set<String> = ["name", "version", "description", "ml_flow_model_path", "ml_flow_tracking_uri",
                                           "metadata"]

    static func draft(kind: CatalogAssetKind, _ body: CORDSRequestBody) throws -> AssetCatalogService.Draft {
        var metadata = try body.object("metadata") ?? [:]
        for (key, value) in body.fields where !assetFields.contains(key) && !value.isNull { metadata[key] = value }
        return AssetCatalogService.Draft(
            kind: kind, name: try body.requiredString("name"), version: try body.text("version") ?? "",
            description: try body.string("description"), modelPath: try body.string("ml_flow_model_path"),
            trackingURI: try body.string("ml_flow_tracking_uri"), metadata: metadata)
    }

    static func changes(_ body: CORDSRequestBody) throws -> AssetCatalogService.Changes {
        var metadata = try body.object("metadata") ?? [:]
        for (key, value) in body.fields where !assetFields.contains(key) { metadata[key] = value }
        let changes = AssetCatalogService.Changes(
            name: try body.string("name"), version: try body.text("version"), description: try body.string("description"),
            modelPath: try body.string("ml_flow_model_path"), trackingURI: try body.string("ml_flow_tracking_uri"),
            metadata: metadata)
        guard changes != AssetCatalogService.Changes() else { throw SlipwayError.badRequest("the update changes nothing") }
        return changes
    }

    static func kind(_ text: String?) throws -> CatalogAssetKind? {
        guard let text else { return nil }
        guard let kind = CatalogAssetKind(rawValue: text.lowercased()) else {
            throw SlipwayError.badRequest("type '\(NameRules.printable(text))' is not one of model, dataset, training")
        }
        return kind
    }

    /// Assets with their creators (and, when asked, their semantic descriptions as JSON-LD).
    func present(_ assets: [CatalogAsset], withSemantics: Bool = false) async throws -> [JSONValue] {
        let creators = try await creators(of: assets.map(\.createdBy))
        var workspaces: [String: String] = [:]
        for id in Set(assets.map(\.workspaceID)) { workspaces[id] = try await accounts.workspace(id: id)?.name }
        return assets.map { asset in
            var object = CORDSPresenter.asset(asset, creator: creators[asset.createdBy],
                                              workspace: workspaces[asset.workspaceID]).objectValue ?? [:]
            if withSemantics { object["semantics"] = CORDSPresenter.semantics(asset) }
            return .object(object)
        }
    }
}
