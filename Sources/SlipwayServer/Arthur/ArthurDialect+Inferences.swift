import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// Streaming inferences and ground truth (JSON arrays → 207 with a result per record, in
    /// order), batches of batch models.
    func registerInferences(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/:model_id/inferences") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let items = try await Self.records(request, limit: limits.maxInferenceBodyBytes)
            let decoded = items.enumerated().map { ArthurInferenceDecoder.inference($1, index: $0) }
            let report = try await monitoring.ingest(decoded.compactMap { try? $0.get() }, into: model)
            return ArthurMultiStatus.results(ArthurMultiStatus.outcomes(decoded, stored: report))
        }
        let groundTruth: @Sendable (Request, SlipwayRequestContext) async throws -> Response = { request, context in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let items = try await Self.records(request, limit: limits.maxInferenceBodyBytes)
            let now = Date()
            let decoded = items.enumerated().map { ArthurInferenceDecoder.groundTruth($1, index: $0, now: now) }
            let report = try await monitoring.attachGroundTruth(decoded.compactMap { try? $0.get() }, to: model)
            return ArthurMultiStatus.results(ArthurMultiStatus.outcomes(decoded, stored: report))
        }
        api.patch("models/:model_id/inferences", use: groundTruth)
        api.patch("models/:model_id/ground_truth", use: groundTruth)

        api.patch("models/:model_id/batches/:batch_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let fields = ArthurFields(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes), what: "batch")
            if let status = try fields.string("status"), status != "uploaded" {
                throw SlipwayError.badRequest("a batch can only be closed: 'status' must be 'uploaded'")
            }
            let batch = try await monitoring.closeBatch(try context.parameters.require("batch_id"), of: model,
                                                        declaredCount: try fields.int("total_record_count"))
            var body = Self.present(batch).objectValue ?? [:]
            body["message"] = .string("success")
            return JSONResponse.make(.object(body))
        }
        api.get("models/:model_id/batches/:batch_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            return JSONResponse.make(Self.present(try await monitoring.batch(try context.parameters.require("batch_id"), of: model)))
        }
    }

    static func present(_ batch: MonitoringBatch) -> JSONValue {
        .object([
            "model_id": .string(batch.modelID), "batch_id": .string(batch.batchID),
            "records": .number(Double(batch.storedRecordCount)),
            "partner_record_count": .number(Double(batch.declaredRecordCount ?? batch.storedRecordCount)),
            "status": .string(batch.status.rawValue), "created_at": batch.createdAt.json, "updated_at": batch.updatedAt.json,
        ])
    }

    /// A JSON array body of records (one object, too, is read as a list of one).
    static func records(_ request: Request, limit: Int) async throws -> [JSONValue] {
        switch try await json(request, limit: limit) {
        case .array(let items): return items
        case .object(let object): return [.object(object)]
        default: throw SlipwayError.badRequest("the request body must be a JSON array of records")
        }
    }
}
