import Foundation
import Hummingbird
import SlipwayCore

/// MLflow 3 logged models: `logged-models` create, get, finalize (PATCH), delete, search, tags
/// and params. Their artifacts live under `mlflow-artifacts:/<experiment>/models/<id>/artifacts`.
extension MLflowDialect {
    static func loggedModelStatus(_ text: String) throws -> LoggedModel.Status {
        switch text {
        case "LOGGED_MODEL_READY", "2": return .ready
        case "LOGGED_MODEL_UPLOAD_FAILED", "3": return .uploadFailed
        case "LOGGED_MODEL_PENDING", "1": return .pending
        default: throw MLflowError.invalidParameter("Invalid logged model status '\(text)'")
        }
    }

    func registerLoggedModels(_ group: RouterGroup<SlipwayRequestContext>) {
        let tracking = core.tracking
        group.post("logged-models") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let experimentID = try message.requiredString("experiment_id")
            let model = try await Self.experimentNotFoundAsMLflow(experimentID) {
                try await Self.runNotFoundAsMLflow(try message.string("source_run_id") ?? "") {
                    try await tracking.createLoggedModel(
                        workspaceID: workspace.id, experimentID: experimentID, name: try message.string("name"),
                        sourceRunID: try message.string("source_run_id"), modelType: try message.string("model_type"),
                        tags: try Self.keyValues(message, "tags"), params: try Self.keyValues(message, "params"))
                }
            }
            return JSONResponse.make(.object(["model": MLflowTrackingPresenter.loggedModel(model)]))
        }
        let search: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let limit = try MLflowPageToken.maxResults(message, defaultValue: 100, maximum: tracking.limits.maxRunsPage)
            let offset = try MLflowPageToken.offset(try message.string("page_token"))
            let filter = try MLflowSearchFilter.parse(try message.string("filter"))
            let experimentIDs = try message.strings("experiment_ids")
            let models: [LoggedModel]
            if filter.comparisons.isEmpty {
                models = try await tracking.searchLoggedModels(workspaceID: workspace.id, experimentIDs: experimentIDs,
                                                               limit: limit + 1, offset: offset)
            } else {
                // Filtered over the experiments' models in memory (an experiment holds few).
                let all = try await tracking.searchLoggedModels(workspaceID: workspace.id, experimentIDs: experimentIDs,
                                                                limit: Self.maxFilteredLoggedModels, offset: 0)
                let matching = try all.filter { model in try filter.comparisons.allSatisfy { try Self.matches(model, $0) } }
                models = Array(matching.dropFirst(offset).prefix(limit + 1))
            }
            var body: [String: JSONValue] = ["models": .array(models.prefix(limit).map { MLflowTrackingPresenter.loggedModel($0) })]
            if models.count > limit { body["next_page_token"] = .string(MLflowPageToken.encode(offset: offset + limit)) }
            return JSONResponse.make(.object(body))
        }
        group.post("logged-models/search", use: search)
        group.get("logged-models/:model_id") { _, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            let model = try await Self.loggedModelNotFoundAsMLflow(id) { try await tracking.loggedModel(workspaceID: workspace.id, id: id) }
            return JSONResponse.make(.object(["model": MLflowTrackingPresenter.loggedModel(model)]))
        }
        group.patch("logged-models/:model_id") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            let message = try await request.mlflowMessage()
            let status = try Self.loggedModelStatus(try message.requiredString("status"))
            let model = try await Self.loggedModelNotFoundAsMLflow(id) {
                try await tracking.finalizeLoggedModel(workspaceID: workspace.id, id: id, status: status)
            }
            return JSONResponse.make(.object(["model": MLflowTrackingPresenter.loggedModel(model)]))
        }
        group.delete("logged-models/:model_id") { _, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            try await Self.loggedModelNotFoundAsMLflow(id) { try await tracking.deleteLoggedModel(workspaceID: workspace.id, id: id) }
            return JSONResponse.make(.object([:]))
        }
        group.patch("logged-models/:model_id/tags") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            let tags = try Self.keyValues(try await request.mlflowMessage(), "tags")
            try await Self.loggedModelNotFoundAsMLflow(id) { try await tracking.setLoggedModelTags(workspaceID: workspace.id, id: id, tags: tags) }
            return JSONResponse.make(.object([:]))
        }
        group.delete("logged-models/:model_id/tags/:key") { _, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            let key = try context.parameters.require("key")
            try await Self.loggedModelNotFoundAsMLflow(id) { try await tracking.deleteLoggedModelTag(workspaceID: workspace.id, id: id, key: key) }
            return JSONResponse.make(.object([:]))
        }
        group.post("logged-models/:model_id/params") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let id = try context.parameters.require("model_id")
            let params = try Self.keyValues(try await request.mlflowMessage(), "params")
            try await Self.loggedModelNotFoundAsMLflow(id) { try await tracking.logLoggedModelParams(workspaceID: workspace.id, id: id, params: params) }
            return JSONResponse.make(.object([:]))
        }
    }

    /// How many logged models a filtered search reads.
    static let maxFilteredLoggedModels = 50_000

    /// Whether a logged model passes one comparison: attributes `name`, `model_id`,
    /// `source_run_id`, `model_type`, `status`, or `tags.<key>` / `params.<key>`, compared as text.
    static func matches(_ model: LoggedModel, _ comparison: MLflowSearchFilter.Comparison) throws -> Bool {
        let key = comparison.identifier.key
        let value: String?
        switch comparison.identifier.entity {
        case .tag?: value = model.tags[key]
        case .param?: value = model.params[key]
        case .attribute?, nil:
            switch key {
            case "name": value = model.name
            case "model_id": value = model.id
            case "source_run_id": value = model.sourceRunID
            case "model_type": value = model.modelType
            case "status": value = MLflowTrackingPresenter.loggedModelStatus(model.status)
            default:
                throw MLflowError.invalidParameter("logged models cannot be filtered by '\(NameRules.printable(key))' (position \(comparison.position))")
            }
        default:
            throw MLflowError.invalidParameter("logged models cannot be filtered by \(comparison.identifier.text) (position \(comparison.position))")
        }
        let targets: [String] = switch comparison.value {
        case .list(let values): values.compactMap(\.text)
        default: comparison.value.text.map { [$0] } ?? []
        }
        let target = targets.first ?? ""
        guard let value else { return [.notEqual, .notIn, .isNull].contains(comparison.op) }
        switch comparison.op {
        case .equal: return value == target
        case .notEqual: return value != target
        case .like: return MLflowRegistrySearch.like(value, target, ignoringCase: false)
        case .ilike: return MLflowRegistrySearch.like(value, target, ignoringCase: true)
        case .isIn: return targets.contains(value)
        case .notIn: return !targets.contains(value)
        case .isNull: return false
        case .isNotNull: return true
        default:
            throw MLflowError.invalidParameter("operator '\(comparison.op.rawValue)' cannot compare text (position \(comparison.position))")
        }
    }
}
