import Foundation
import Hummingbird
import SlipwayCore

/// Runs: create, get, update, delete, restore, search, and logging (metric, parameter, tags,
/// batch, inputs, outputs, legacy log-model). Runs are named by `run_id` (the client also
/// sends the legacy `run_uuid`).
extension MLflowDialect {
    /// The tag the legacy `runs/log-model` appends each model's JSON to, as MLflow does.
    static let logModelHistoryTag = "mlflow.log-model.history"

    func registerRuns(_ group: RouterGroup<SlipwayRequestContext>) {
        let tracking = core.tracking
        group.post("runs/create") { request, context in
            let (user, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            var tags = try Self.keyValues(message, "tags")
            let experimentID = try message.string("experiment_id").flatMap { $0.isEmpty ? nil : $0 } ?? Experiment.defaultID
            let name = try message.string("run_name").flatMap { $0.isEmpty ? nil : $0 }
                ?? tags.last { $0.key == MLflowTrackingPresenter.runNameTag }?.value
                ?? Self.generatedRunName()
            tags.removeAll { $0.key == MLflowTrackingPresenter.runNameTag }
            tags.append((key: MLflowTrackingPresenter.runNameTag, value: name))
            let run = try await Self.experimentNotFoundAsMLflow(experimentID) {
                try await tracking.createRun(workspaceID: workspace.id, experimentID: experimentID, userID: user.name, name: name,
                                             startTime: try message.int64("start_time"), tags: tags)
            }
            return JSONResponse.make(.object(["run": MLflowTrackingPresenter.run(run)]))
        }
        group.get("runs/get") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let run = try await Self.runNotFoundAsMLflow(id) { try await tracking.run(workspaceID: workspace.id, id: id) }
            return JSONResponse.make(.object(["run": MLflowTrackingPresenter.run(run)]))
        }
        group.post("runs/update") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let status = try message.string("status").map { text -> TrackedRunStatus in
                guard let status = TrackedRunStatus(rawValue: text) else {
                    throw MLflowError.invalidParameter("Invalid run status '\(text)'; use one of \(TrackedRunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let name = try message.string("run_name").flatMap { $0.isEmpty ? nil : $0 }
            let run = try await Self.runNotFoundAsMLflow(id) {
                let run = try await tracking.updateRun(workspaceID: workspace.id, id: id, status: status,
                                                       endTime: try message.int64("end_time"), name: name)
                if let name {
                    try await tracking.log(workspaceID: workspace.id, runID: id,
                                           RunDataBatch(tags: [(key: MLflowTrackingPresenter.runNameTag, value: name)]))
                }
                return run
            }
            return JSONResponse.make(.object(["run_info": MLflowTrackingPresenter.runInfo(run)]))
        }
        for (path, lifecycle) in [("runs/delete", TrackingLifecycle.deleted), ("runs/restore", .active)] {
            group.post(RouterPath(path)) { request, context in
                let (_, workspace) = try context.mlflowScope()
                let message = try await request.mlflowMessage()
                let id = try Self.runID(message)
                try await Self.runNotFoundAsMLflow(id) { try await tracking.setRunLifecycle(workspaceID: workspace.id, id: id, lifecycle) }
                return JSONResponse.make(.object([:]))
            }
        }
        group.post("runs/search") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let limit = try MLflowPageToken.maxResults(message, defaultValue: 1000, maximum: tracking.limits.maxRunsPage)
            let offset = try MLflowPageToken.offset(try message.string("page_token"))
            let filter = try MLflowSearchFilter.parse(try message.string("filter"))
            let query = RunQuery(workspaceID: workspace.id, experimentIDs: try message.strings("experiment_ids"),
                                 lifecycle: try Self.viewType(message, "run_view_type"), predicates: try filter.runPredicates(),
                                 order: try message.strings("order_by").map(MLflowSearchFilter.runOrder),
                                 limit: limit + 1, offset: offset)
            let runs = try await tracking.searchRuns(query)
            var body: [String: JSONValue] = ["runs": .array(runs.prefix(limit).map(MLflowTrackingPresenter.run))]
            if runs.count > limit { body["next_page_token"] = .string(MLflowPageToken.encode(offset: offset + limit)) }
            return JSONResponse.make(.object(body))
        }
        group.post("runs/log-metric") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let metric = try Self.metric(message)
            try await Self.runNotFoundAsMLflow(id) { try await tracking.log(workspaceID: workspace.id, runID: id, RunDataBatch(metrics: [metric])) }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/log-parameter") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let param = (key: try message.requiredString("key"), value: try message.string("value") ?? "")
            try await Self.runNotFoundAsMLflow(id) { try await tracking.log(workspaceID: workspace.id, runID: id, RunDataBatch(params: [param])) }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/set-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let tag = (key: try message.requiredString("key"), value: try message.string("value") ?? "")
            try await Self.runNotFoundAsMLflow(id) {
                try await tracking.log(workspaceID: workspace.id, runID: id, RunDataBatch(tags: [tag]))
                if tag.key == MLflowTrackingPresenter.runNameTag, !tag.value.isEmpty {
                    _ = try await tracking.updateRun(workspaceID: workspace.id, id: id, status: nil, endTime: nil, name: tag.value)
                }
            }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/delete-tag") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let key = try message.requiredString("key")
            try await Self.runNotFoundAsMLflow(id) { try await tracking.deleteTag(workspaceID: workspace.id, runID: id, key: key) }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/log-batch") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage(limit: 1_000_000)
            let id = try Self.runID(message)
            let batch = RunDataBatch(metrics: try message.messages("metrics").map(Self.metric),
                                     params: try Self.keyValues(message, "params"), tags: try Self.keyValues(message, "tags"))
            try await Self.runNotFoundAsMLflow(id) {
                try await tracking.log(workspaceID: workspace.id, runID: id, batch)
                if let name = batch.tags.last(where: { $0.key == MLflowTrackingPresenter.runNameTag })?.value, !name.isEmpty {
                    _ = try await tracking.updateRun(workspaceID: workspace.id, id: id, status: nil, endTime: nil, name: name)
                }
            }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/log-inputs") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let inputs = try message.messages("datasets").map(Self.datasetInput)
            try await Self.runNotFoundAsMLflow(id) { try await tracking.logInputs(workspaceID: workspace.id, runID: id, inputs) }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/outputs") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            // The run's output models are the logged models whose source run it is; check
            // that each named model exists in the workspace and the run is writable.
            for model in try message.messages("models") {
                let modelID = try model.requiredString("model_id")
                _ = try await Self.loggedModelNotFoundAsMLflow(modelID) { try await tracking.loggedModel(workspaceID: workspace.id, id: modelID) }
            }
            try await Self.runNotFoundAsMLflow(id) { try await tracking.log(workspaceID: workspace.id, runID: id, RunDataBatch()) }
            return JSONResponse.make(.object([:]))
        }
        group.post("runs/log-model") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let json = try message.requiredString("model_json")
            guard let model = try? JSONTextParser.parse(json), case .object = model else {
                throw MLflowError.invalidParameter("model_json must be a JSON object")
            }
            try await Self.runNotFoundAsMLflow(id) {
                let run = try await tracking.run(workspaceID: workspace.id, id: id)
                var history: [JSONValue] = []
                if let existing = run.tags[Self.logModelHistoryTag],
                   case .array(let items)? = try? JSONTextParser.parse(existing) {
                    history = items
                }
                history.append(model)
                try await tracking.log(workspaceID: workspace.id, runID: id,
                                       RunDataBatch(tags: [(key: Self.logModelHistoryTag, value: JSONValue.array(history).jsonString())]))
            }
            return JSONResponse.make(.object([:]))
        }
    }

    /// `run_id`, or the legacy `run_uuid`.
    static func runID(_ message: MLflowMessage) throws -> String {
        if let id = try message.string("run_id"), !id.isEmpty { return id }
        if let id = try message.string("run_uuid"), !id.isEmpty { return id }
        throw MLflowError.invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.")
    }

    static func metric(_ message: MLflowMessage) throws -> RunMetric {
        let key = try message.requiredString("key")
        guard let value = try message.double("value") else {
            throw MLflowError.invalidParameter("Missing value for required parameter 'value' of metric '\(key)'")
        }
        guard let timestamp = try message.int64("timestamp") else {
            throw MLflowError.invalidParameter("Missing value for required parameter 'timestamp' of metric '\(key)'")
        }
        return RunMetric(key: key, value: value, timestamp: timestamp, step: try message.int64("step") ?? 0,
                         modelID: try message.string("model_id").flatMap { $0.isEmpty ? nil : $0 },
                         datasetName: try message.string("dataset_name").flatMap { $0.isEmpty ? nil : $0 },
                         datasetDigest: try message.string("dataset_digest").flatMap { $0.isEmpty ? nil : $0 })
    }

    static let datasetContextTag = "mlflow.data.context"

    static func datasetInput(_ message: MLflowMessage) throws -> RunDatasetInput {
        guard let dataset = try message.message("dataset") else {
            throw MLflowError.invalidParameter("Missing value for required parameter 'dataset' of a dataset input")
        }
        var tags: [String: String] = [:]
        for tag in try keyValues(message, "tags") { tags[tag.key] = tag.value }
        return RunDatasetInput(name: try dataset.requiredString("name"), digest: try dataset.requiredString("digest"),
                               sourceType: try dataset.requiredString("source_type"), source: try dataset.requiredString("source"),
                               schema: try dataset.string("schema"), profile: try dataset.string("profile"),
                               context: tags[datasetContextTag], tags: tags)
    }

    /// A run name like MLflow's (`<adjective>-<animal>-<number>`).
    static func generatedRunName() -> String {
        let adjectives = ["bright", "calm", "bold", "keen", "swift", "quiet", "brave", "merry", "wise", "gentle"]
        let animals = ["otter", "heron", "lynx", "finch", "whale", "fox", "owl", "seal", "crane", "hare"]
        return "\(adjectives.randomElement()!)-\(animals.randomElement()!)-\(Int.random(in: 100...999))"
    }

    static func runNotFoundAsMLflow<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SlipwayError where error.kind == .notFound && error.message.hasPrefix("run '") {
            throw MLflowError.doesNotExist("Run with id=\(id) not found")
        }
    }

    static func experimentNotFoundAsMLflow<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SlipwayError where error.kind == .notFound && error.message.hasPrefix("experiment '") {
            throw MLflowError.doesNotExist("No Experiment with id=\(id) exists")
        }
    }

    static func loggedModelNotFoundAsMLflow<T>(_ id: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as SlipwayError where error.kind == .notFound && error.message.hasPrefix("logged model '") {
            throw MLflowError.doesNotExist("Logged model with ID '\(id)' not found.")
        }
    }
}
