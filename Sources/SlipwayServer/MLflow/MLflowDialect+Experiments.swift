import Foundation
import Hummingbird
import SlipwayCore

/// Experiments: create, get, get-by-name, search, update (rename), delete, restore, tags.
extension MLflowDialect {
    func registerExperiments(_ group: RouterGroup<SlipwayRequestContext>) {
        let tracking = core.tracking
        group.post("experiments/create") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let name = try message.requiredString("name")
            let tags = try Self.keyValues(message, "tags")
            let experiment = try await tracking.createExperiment(workspaceID: workspace.id, name: name,
                                                                 artifactLocation: try message.string("artifact_location"), tags: tags)
            return JSONResponse.make(.object(["experiment_id": .string(experiment.id)]))
        }
        group.get("experiments/get") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let experiment = try await Self.experiment(tracking, workspace.id, try message.requiredString("experiment_id"))
            return JSONResponse.make(.object(["experiment": MLflowTrackingPresenter.experiment(experiment, workspace: workspace.name)]))
        }
        group.get("experiments/get-by-name") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let name = try message.requiredString("experiment_name")
            do {
                let experiment = try await tracking.experiment(workspaceID: workspace.id, name: name)
                return JSONResponse.make(.object(["experiment": MLflowTrackingPresenter.experiment(experiment, workspace: workspace.name)]))
            } catch let error as SlipwayError where error.kind == .notFound {
                throw MLflowError.doesNotExist("Could not find experiment with name '\(name)'")
            }
        }
        let search: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let limit = try MLflowPageToken.maxResults(message, defaultValue: 1000, maximum: tracking.limits.maxExperimentsPage)
            let offset = try MLflowPageToken.offset(try message.string("page_token"))
            let filter = try MLflowSearchFilter.parse(try message.string("filter"))
            let query = ExperimentQuery(workspaceID: workspace.id, lifecycle: try Self.viewType(message, "view_type"),
                                        predicates: try filter.experimentPredicates(),
                                        order: try message.strings("order_by").map(MLflowSearchFilter.experimentOrder),
                                        limit: limit + 1, offset: offset)
            let experiments = try await tracking.searchExperiments(query)
            var body: [String: JSONValue] = [
                "experiments": .array(experiments.prefix(limit).map { MLflowTrackingPresenter.experiment($0, workspace: workspace.name) }),
            ]
            if experiments.count > limit { body["next_page_token"] = .string(MLflowPageToken.encode(offset: offset + limit)) }
            return JSONResponse.make(.object(body))
        }
        group.post("experiments/search", use: search)
        group.get("experiments/search", use: search)
        group.post("experiments/update") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try message.requiredString("experiment_id")
            let newName = try message.requiredString("new_name")
            try await Self.notFoundAsMLflow(id) {
                try await tracking.renameExperiment(workspaceID: workspace.id, id: id, newName: newName)
            }
            return JSONResponse.make(.object([:]))
        }
        for (path, lifecycle) in [("experiments/delete", TrackingLifecycle.deleted), ("experiments/restore", .active)] {
            group.post(RouterPath(path)) { request, context in
                let (_, workspace) = try context.mlflowScope()
                let message = try await request.mlflowMessage()
                let id = try message.requiredString("experiment_id")
                try await Self.notFoundAsMLflow(id) {
                    try await tracking.setExperimentLifecycle(workspaceID: workspace.id, id: id, lifecycle)
                }
                return JSONResponse.make(.object([:]))
            }
        }
        group.post("experiments/set-experiment-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try message.requiredString("experiment_id")
            let key = try message.requiredString("key")
            let value = try message.string("value") ?? ""
            try await Self.notFoundAsMLflow(id) {
                try await tracking.setExperimentTag(workspaceID: workspace.id, id: id, key: key, value: value)
            }
            return JSONResponse.make(.object([:]))
        }
        group.post("experiments/delete-experiment-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try message.requiredString("experiment_id")
            let key = try message.requiredString("key")
            try await tracking.setExperimentTag(workspaceID: workspace.id, id: id, key: key, value: nil)
            return JSONResponse.make(.object([:]))
        }
    }

    /// The experiment, or MLflow's own "does not exist" message.
    static func experiment(_ tracking: TrackingService, _ workspaceID: String, _ id: String) async throws -> Experiment {
        do {
            return try await tracking.experiment(workspaceID: workspaceID, id: id)
        } catch let error as SlipwayError where error.kind == .notFound {
            throw MLflowError.doesNotExist("No Experiment with id=\(id) exists")
        }
    }

    static func notFoundAsMLflow(_ id: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SlipwayError where error.kind == .notFound && error.message.hasPrefix("experiment '") {
            throw MLflowError.doesNotExist("No Experiment with id=\(id) exists")
        }
    }

    /// A repeated `{key, value}` field in order; a missing value is the empty text.
    static func keyValues(_ message: MLflowMessage, _ name: String) throws -> [(key: String, value: String)] {
        try message.messages(name).map { item in
            (key: try item.requiredString("key"), value: try item.string("value") ?? "")
        }
    }

    /// `view_type` / `run_view_type`: `ACTIVE_ONLY` (1, the default), `DELETED_ONLY` (2), `ALL` (3).
    static func viewType(_ message: MLflowMessage, _ name: String) throws -> LifecycleFilter {
        switch try message.string(name)?.uppercased() {
        case nil, "", "ACTIVE_ONLY", "1": return .active
        case "DELETED_ONLY", "2": return .deleted
        case "ALL", "3": return .all
        case let other?: throw MLflowError.invalidParameter("Invalid value '\(other)' for parameter '\(name)'; use ACTIVE_ONLY, DELETED_ONLY or ALL")
        }
    }
}
