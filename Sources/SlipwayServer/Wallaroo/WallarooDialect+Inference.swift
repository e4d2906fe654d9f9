import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/pipelines/infer/{deploy_id}-{id}/{pipeline_name}` (protocol reference §8.5) and
/// `POST /v1/api/pipelines/get_logs` (§9). Inference takes pandas-records JSON or an Arrow IPC
/// file and answers in the same format; a user token or an inference client's token is accepted.
extension WallarooDialect {
    static let arrowFile = "application/vnd.apache.arrow.file"

    struct LogsBody: Decodable {
        var pipeline_id: String
        var workspace_id: FlexibleInt
        var cursor: String?
        var order: String?
        var page_size: Int?
        var start_time: String?
        var end_time: String?
        var dataset: [String]?
    }

    func registerInference(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("pipelines/infer/:deployment/:pipeline") { request, context -> Response in
            let caller = try context.wallarooCaller()
            let fullName = try context.parameters.require("deployment")
            let pipelineName = try context.parameters.require("pipeline")
            let (deployment, pipeline) = try await inferenceTarget(fullName: fullName, user: caller.user)
            guard pipeline == pipelineName else {
                throw SlipwayError.notFound("pipeline '\(NameRules.printable(pipelineName))' of deployment", fullName)
            }
            let limit = platform.limits.maxInferenceBodyBytes
            let buffer = try await request.collectBody(limit: limit)
            let body = Data(buffer: buffer)
            let isArrow = request.contentType.lowercased().hasPrefix(Self.arrowFile)
            let rows = isArrow ? try WallarooArrowRecords.rows(fromFile: body) : try Self.pandasRecords(body)
            let result = try await core.serving.infer(deployment, rows: rows)
            let records = WallarooInferencePresenter.result(result)
            if isArrow || request.headers[.accept]?.lowercased().hasPrefix(Self.arrowFile) == true {
                return try WallarooArrowRecords.response(records)
            }
            return WallarooInferencePresenter.response(records)
        }
        api.post("pipelines/get_logs") { request, context -> Response in
            let user = try context.wallarooUser()
            let body = try await request.wallarooBody(LogsBody.self)
            let (workspace, _) = try await accounts.workspace(number: body.workspace_id.value, visibleTo: user)
            let pipeline = try await core.modelPipelines.pipeline(named: body.pipeline_id, workspaceID: workspace.id)
            var order = InferenceRecordQuery.Order.newestFirst
            switch body.order?.lowercased() {
            case nil, "desc": order = .newestFirst
            case "asc": order = .oldestFirst
            default: throw SlipwayError.badRequest("'order' must be \"Asc\" or \"Desc\"")
            }
            if (body.start_time == nil) != (body.end_time == nil) {
                throw SlipwayError.badRequest("'start_time' and 'end_time' are given together")
            }
            let query = InferenceRecordQuery(
                workspaceID: workspace.id, pipelineID: pipeline.id,
                start: try body.start_time.map { try Self.time($0, field: "start_time") },
                end: try body.end_time.map { try Self.time($0, field: "end_time") }, order: order,
                limit: body.page_size ?? InferenceRecordQuery.defaultLimit,
                cursor: try body.cursor.map { try InferenceCursor(token: $0) })
            let page = try await core.serving.logs(query)
            var records: [JSONValue] = []
            var bytes = 0
            var byteLimited = false
            var lastIncluded: InferenceRecord?
            var dropped = Set<String>()
            for entry in page.entries {
                var record = WallarooInferencePresenter.record(
                    time: entry.record.time, inputs: entry.record.inputs.mapValues(\.json),
                    outputs: entry.record.outputs.mapValues(\.json), modelName: entry.modelName ?? "",
                    modelVersion: entry.modelVersion ?? Self.unknownVersion, split: entry.split, shadows: entry.shadows,
                    pipelineVersion: entry.record.pipelineVersionID ?? "",
                    elapsed: entry.record.latency.map { [ServingService.nanoseconds($0)] } ?? [],
                    dropped: entry.record.dropped)
                if let dataset = body.dataset { record = Self.select(dataset, from: record) }
                let size = JSONTextWriter.bytes(of: record).count
                if !records.isEmpty, bytes + size > Self.maxLogPageBytes {
                    byteLimited = true
                    break
                }
                bytes += size
                records.append(record)
                lastIncluded = entry.record
                dropped.formUnion(entry.record.dropped)
            }
            var response: Response
            if request.headers[.accept]?.lowercased().hasPrefix(Self.arrowFile) == true {
                response = try WallarooArrowRecords.response(records)
            } else {
                response = WallarooInferencePresenter.response(records)
            }
            let status: String
            let cursor: InferenceCursor?
            if byteLimited {
                status = "ByteLimited"
                cursor = lastIncluded.map(InferenceCursor.init(after:))
            } else {
                status = page.schemaChanged ? "SchemaChange" : (page.nextCursor == nil ? "All" : "RecordLimited")
                cursor = page.nextCursor
            }
            response.headers[.init("x-iteration-status")!] = status
            if let cursor { response.headers[.init("x-iteration-cursor")!] = cursor.token }
            if !dropped.isEmpty {
                let columns = dropped.sorted().joined(separator: ", ")
                response.headers[.init("warning")!] = "299 - \"The inference log is above the allowable limit and the "
                    + "following columns may have been suppressed for various rows in the logs: \(columns). To review the "
                    + "dropped columns for an individual inferences suppressed data, include dataset=[\\\"metadata\\\"] "
                    + "in the log request.\""
            }
            return response
        }
    }

    /// The running deployment named `{deploy_id}-{number}` and its pipeline's name, for a member
    /// of its workspace (or an inference client), from memory when it runs here: membership is
    /// re-checked at most every second per user and workspace.
    func inferenceTarget(fullName: String, user: User?) async throws -> (ModelDeployment, String) {
        let (name, number) = try Self.split(fullName: fullName)
        let id = try await core.numbers.id(of: .deployment, number: number, what: "deployment")
        guard let (deployment, pipelineName) = core.serving.running(id: id) else {
            let (stored, _) = try await self.deployment(fullName: fullName, user: user)
            let pipeline = try await core.modelPipelines.pipeline(id: stored.pipelineID)
            return (stored, pipeline.name)
        }
        guard deployment.name == name else { throw SlipwayError.notFound("deployment", NameRules.printable(fullName)) }
        if let user {
            let key = user.id + "|" + deployment.workspaceID
            if members.value(for: key) == nil {
                _ = try await accounts.workspace(id: deployment.workspaceID, visibleTo: user)
                members.set(true, for: key, until: .now + .seconds(1))
            }
        }
        return (deployment, pipelineName)
    }

    /// Largest log page body; a fuller page stops early with `ByteLimited`.
    static let maxLogPageBytes = 10 << 20

    /// The record restricted to the `dataset` keys (`time` always stays): top-level keys
    /// (`in`, `out`, `metadata`, `out_<model>`) or one field of them (`in.tensor`).
    static func select(_ dataset: [String], from record: JSONValue) -> JSONValue {
        guard case .object(let object) = record, !dataset.isEmpty, !dataset.contains("*") else { return record }
        var selected: [String: JSONValue] = ["time": object["time"] ?? .null]
        for name in dataset {
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            guard let value = object[parts[0]] else { continue }
            if parts.count == 1 {
                selected[parts[0]] = value
            } else if let field = value.objectValue?[parts[1]] {
                var partial = selected[parts[0]]?.objectValue ?? [:]
                partial[parts[1]] = field
                selected[parts[0]] = .object(partial)
            }
        }
        return .object(selected)
    }

    static let unknownVersion = ModelVersion(
        id: "", modelID: "", workspaceID: "", number: 1, blobKey: "-", fileName: "-", size: 0,
        sha256: try! SHA256Hex(String(repeating: "0", count: 64)), framework: .onnx, status: .ready,
        createdAt: Date(timeIntervalSince1970: 0), createdBy: "")

    /// pandas-records: a JSON array of row objects (`DataFrame.to_json(orient="records")`).
    static func pandasRecords(_ data: Data) throws -> [JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw SlipwayError.badRequest("the body is not valid JSON: send pandas-records, a JSON array of row objects")
        }
        guard case .array(let rows) = value else {
            throw SlipwayError.badRequest("the body must be a JSON array of row objects (pandas-records)")
        }
        return rows
    }

    /// An RFC 3339 time; a time without an offset is UTC (what Python's naive `isoformat()` gives).
    static func time(_ text: String, field: String) throws -> Date {
        if let date = RFC3339Time.date(assumingUTC: text) { return date }
        throw SlipwayError.badRequest("'\(field)' must be an RFC 3339 time such as 2023-05-18T12:00:00+00:00")
    }
}
