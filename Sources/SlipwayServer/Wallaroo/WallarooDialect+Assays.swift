import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/assays/create|list|set_active|run_interactive_baseline|get_baseline|
/// run_interactive|get_results|summarize` (protocol reference §11), and Slipway's
/// `get_alerts`: the scheduled results at or above their alert threshold in a workspace,
/// newest first, in `get_results`' shape. Assays and their results are named by numbers;
/// every call is limited to the caller's workspaces.
extension WallarooDialect {
    struct AssayListBody: Decodable {
        var pipeline_id: Int
    }

    struct SetActiveBody: Decodable {
        var id: Int
        var active: Bool
    }

    struct BaselineRecordsBody: Decodable {
        var workspace_id: FlexibleInt
        var pipeline_name: String
        var start: String?
        var end: String?
        var model_name: String?
        var limit: Int?
    }

    struct ResultsBody: Decodable {
        var assay_id: Int
        var start: String?
        var end: String?
        var limit: Int?
        var pipeline_id: Int?
    }

    struct AlertsBody: Decodable {
        var workspace_id: FlexibleInt
        var limit: Int?
    }

    struct SummarizeBody: Decodable {
        var summarizer: JSONValue
        var values: [Double]
    }

    func registerAssays(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("assays/create") { request, context -> Response in
            let user = try context.wallarooUser()
            let config = try WallarooAssayConfig(try await request.wallarooBody(JSONValue.self))
            let pipeline = try await pipeline(number: config.pipelineNumber, user: user)
            let now = platform.now()
            let assay = try await core.assays.create(Assay(
                id: UUID().uuidString.lowercased(), workspaceID: pipeline.workspaceID, pipelineID: pipeline.id,
                name: config.name, isActive: config.active, feature: config.feature, baseline: config.baseline,
                window: config.window, summarizer: config.summarizer, warningThreshold: config.warningThreshold,
                alertThreshold: config.alertThreshold, runUntil: config.runUntil, createdAt: now, createdBy: user.id,
                clientDocument: config.document))
            let number = try await core.numbers.number(of: .assay, id: assay.id)
            return JSONResponse.make(JSONValue.object(["assay_id": .number(Double(number))]))
        }
        api.post("assays/list") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(AssayListBody.self)
            let pipeline = try await pipeline(number: body.pipeline_id, user: user)
            let assays = try await core.assays.assays(pipelineID: pipeline.id)
            let numbers = try await core.numbers.numbers(of: .assay, ids: assays.reversed().map(\.id))
            let now = platform.now()
            let items = assays.sorted { (numbers[$0.id] ?? 0) > (numbers[$1.id] ?? 0) }.map { assay in
                WallarooAssayPresenter.listItem(assay, number: numbers[assay.id] ?? 0, pipelineNumber: body.pipeline_id,
                                                pipelineName: pipeline.name, nextRun: Self.nextRun(assay, now: now))
            }
            return JSONResponse.make(JSONValue.array(items))
        }
        api.post("assays/set_active") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(SetActiveBody.self)
            let assay = try await core.assays.setActive(try await assay(number: body.id, user: user), active: body.active)
            return JSONResponse.make(JSONValue.object(["id": .number(Double(body.id)), "active": .bool(assay.isActive)]))
        }
        api.post("assays/run_interactive_baseline") { request, context -> Response in
            let user = try context.wallarooUser()
            let (assay, number) = try await interactiveAssay(try await request.wallarooBody(JSONValue.self), user: user)
            let result = try await core.assays.baselineRun(assay)
            return JSONResponse.make(WallarooAssayPresenter.result(result, number: nil, assayNumber: number))
        }
        api.post("assays/run_interactive") { request, context -> Response in
            let user = try context.wallarooUser()
            let (assay, number) = try await interactiveAssay(try await request.wallarooBody(JSONValue.self), user: user)
            let results = try await core.assays.interactiveRun(assay)
            return JSONResponse.make(JSONValue.array(results.map {
                WallarooAssayPresenter.result($0, number: nil, assayNumber: number)
            }))
        }
        api.post("assays/get_results") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(ResultsBody.self)
            let assay = try await assay(number: body.assay_id, user: user)
            if let pipelineNumber = body.pipeline_id {
                let pipeline = try await pipeline(number: pipelineNumber, user: user)
                guard pipeline.id == assay.pipelineID else {
                    throw SlipwayError.badRequest("assay \(body.assay_id) does not watch pipeline \(pipelineNumber)")
                }
            }
            let results = try await core.assays.results(
                of: assay, start: try body.start.map { try Self.time($0, field: "start") },
                end: try body.end.map { try Self.time($0, field: "end") }, limit: body.limit ?? 100)
            let numbers = try await core.numbers.numbers(of: .assayResult, ids: results.compactMap(\.id))
            return JSONResponse.make(JSONValue.array(results.map {
                WallarooAssayPresenter.result($0, number: $0.id.flatMap { numbers[$0] }, assayNumber: body.assay_id)
            }))
        }
        api.post("assays/get_alerts") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(AlertsBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let limit = body.limit ?? 100
            guard (1...AssayService.maximumResultsPage).contains(limit) else {
                throw SlipwayError.badRequest("'limit' must be between 1 and \(AssayService.maximumResultsPage)")
            }
            let alerts = try await core.assays.alerts(workspaceID: workspace.id, limit: limit)
            let resultNumbers = try await core.numbers.numbers(of: .assayResult, ids: alerts.compactMap(\.id))
            let assayNumbers = try await core.numbers.numbers(of: .assay, ids: Array(Set(alerts.map(\.assayID))))
            return JSONResponse.make(JSONValue.array(alerts.map {
                WallarooAssayPresenter.result($0, number: $0.id.flatMap { resultNumbers[$0] }, assayNumber: assayNumbers[$0.assayID] ?? 0)
            }))
        }
        api.post("assays/get_baseline") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(BaselineRecordsBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let pipeline = try await core.modelPipelines.pipeline(named: body.pipeline_name, workspaceID: workspace.id)
            let limit = body.limit ?? 100
            guard (1...InferenceRecordQuery.maximumLimit).contains(limit) else {
                throw SlipwayError.badRequest("'limit' must be between 1 and \(InferenceRecordQuery.maximumLimit)")
            }
            var query = InferenceRecordQuery(
                workspaceID: workspace.id, pipelineID: pipeline.id,
                start: try body.start.map { try Self.time($0, field: "start") },
                end: try body.end.map { try Self.time($0, field: "end") }, order: .oldestFirst,
                limit: body.model_name == nil ? limit : InferenceRecordQuery.maximumLimit)
            var records: [JSONValue] = []
            // With a model name, pages are read until enough of that model's records are found.
            for _ in 0..<100 {
                let page = try await core.serving.logs(query)
                for entry in page.entries where body.model_name == nil || entry.modelName == body.model_name {
                    records.append(WallarooInferencePresenter.flattened(entry))
                    if records.count == limit { break }
                }
                guard records.count < limit, let next = page.nextCursor else { break }
                query.cursor = next
            }
            return JSONResponse.make(JSONValue.array(records))
        }
        api.post("assays/summarize") { request, context -> Response in
            _ = try context.wallarooUser()
            let body = try await request.wallarooBody(SummarizeBody.self, limit: 64 << 20)
            let summarizer = try WallarooAssayConfig.summarizer(body.summarizer)
            guard body.values.count <= AssayBaseline.maximumValues else {
                throw SlipwayError.tooLarge("at most \(AssayBaseline.maximumValues) values can be summarised")
            }
            let summary = try DriftEngine.baseline(body.values, summarizer: summarizer)
            return JSONResponse.make(WallarooAssayPresenter.summary(summary, start: nil, end: nil))
        }
    }

    /// The assay with this number, for a member of its workspace.
    func assay(number: Int, user: User) async throws -> Assay {
        let id = try await core.numbers.id(of: .assay, number: number, what: "assay")
        let assay = try await core.assays.assay(id: id)
        _ = try await accounts.workspace(id: assay.workspaceID, visibleTo: user)
        return assay
    }

    /// The configuration of an interactive run, as an unsaved assay (its number, when it names a stored one).
    func interactiveAssay(_ body: JSONValue, user: User) async throws -> (Assay, Int) {
        let config = try WallarooAssayConfig(body)
        let pipeline = try await pipeline(number: config.pipelineNumber, user: user)
        var id = UUID().uuidString.lowercased()
        if let number = config.id {
            let stored = try await assay(number: number, user: user)
            guard stored.pipelineID == pipeline.id else {
                throw SlipwayError.badRequest("assay \(number) does not watch pipeline \(config.pipelineNumber)")
            }
            id = stored.id
        }
        let assay = Assay(
            id: id, workspaceID: pipeline.workspaceID, pipelineID: pipeline.id, name: config.name, isActive: config.active,
            feature: config.feature, baseline: config.baseline, window: config.window, summarizer: config.summarizer,
            warningThreshold: config.warningThreshold, alertThreshold: config.alertThreshold, runUntil: config.runUntil,
            createdAt: platform.now(), createdBy: user.id)
        try assay.validate()
        return (assay, config.id ?? 0)
    }

    /// When the scheduler analyses the assay next: the end of its next window (now, when that has passed).
    static func nextRun(_ assay: Assay, now: Date) -> Date? {
        guard assay.isActive else { return nil }
        let next = assay.window.window(assay.analyzedWindows, origin: assay.windowOrigin).end
        if let runUntil = assay.runUntil, next > runUntil { return nil }
        return max(next, assay.lastRunAt ?? assay.createdAt)
    }
}
