import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// Multipart uploads: inference and ground-truth files, reference data, and SageMaker
    /// Data Capture files. A file part over the size limit is a 413; a file that is neither
    /// Parquet (sniffed by its `PAR1` magic, whatever its name or type) nor a JSON array is a 400.
    func registerFiles(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/:model_id/inferences/file") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let form = try await forms.read(request)
            defer { form.discardFiles() }
            // `send_bulk_inferences` sends a batch id field for every model; only batch models keep it.
            let batchID = model.isBatch ? form.field("batch_id").flatMap { $0.isEmpty ? nil : $0 } : nil
            var outcomes: [IngestionOutcome] = []
            if let data = try Self.part("inference_data", of: form) {
                let decoded = try ArthurRecordFile.records(data, part: "inference_data").enumerated().map { index, item in
                    ArthurInferenceDecoder.inference(ArthurRecordFile.nested(item, batchID: batchID, for: model), index: index)
                }
                let report = try await monitoring.ingest(decoded.compactMap { try? $0.get() }, into: model)
                outcomes += ArthurMultiStatus.outcomes(decoded, stored: report)
            }
            if let data = try Self.part("ground_truth_data", of: form) {
                let now = Date()
                let decoded = try ArthurRecordFile.records(data, part: "ground_truth_data").enumerated().map { index, item in
                    ArthurInferenceDecoder.groundTruth(ArthurRecordFile.nested(item, batchID: nil, for: model), index: index, now: now)
                }
                let report = try await monitoring.attachGroundTruth(decoded.compactMap { try? $0.get() }, to: model)
                outcomes += ArthurMultiStatus.outcomes(decoded, stored: report)
            }
            if form.files["image_data"] != nil { throw SlipwayError.notImplemented("image data is not supported") }
            guard form.files["inference_data"] != nil || form.files["ground_truth_data"] != nil
                    || form.field("inference_data") != nil || form.field("ground_truth_data") != nil else {
                throw SlipwayError.badRequest("send an 'inference_data' or 'ground_truth_data' file")
            }
            if outcomes.allSatisfy(\.isStored) {
                return JSONResponse.make(.object(["counts": ArthurMultiStatus.counts(outcomes), "failures": .array([])]),
                                         status: .created)
            }
            return ArthurMultiStatus.failures(outcomes)
        }

        api.post("models/:model_id/reference_data") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let form = try await forms.read(request)
            defer { form.discardFiles() }
            guard let data = try Self.part("reference_data", of: form) ?? Self.part("reference_data.parquet", of: form) else {
                throw SlipwayError.badRequest("send a 'reference_data' file")
            }
            let decoded = try ArthurRecordFile.records(data, part: "reference_data").enumerated().map {
                ArthurInferenceDecoder.referenceRow($1, index: $0)
            }
            let report = try await monitoring.addReferenceData(decoded.compactMap { try? $0.get() }, to: model)
            return ArthurMultiStatus.failures(ArthurMultiStatus.outcomes(decoded, stored: report))
        }
        api.patch("models/:model_id/reference_data") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let fields = ArthurFields(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes), what: "reference_data")
            if let status = try fields.string("status"), status != "uploaded" {
                throw SlipwayError.badRequest("reference data can only be closed: 'status' must be 'uploaded'")
            }
            _ = try await monitoring.closeReferenceData(of: model, declaredCount: try fields.int("total_record_count"))
            return JSONResponse.make(.object(["message": .string("success")]))
        }
        api.get("models/:model_id/reference_data") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            guard let set = try await monitoring.referenceData(of: model) else {
                throw SlipwayError.notFound("reference data of model", model.id)
            }
            return JSONResponse.make(.object([
                "model_id": .string(model.id), "records": .number(Double(set.storedRecordCount)),
                "partner_record_count": .number(Double(set.declaredRecordCount ?? set.storedRecordCount)),
                "status": .string(set.status.rawValue), "created_at": set.createdAt.json, "updated_at": set.updatedAt.json,
            ]))
        }

        api.post("models/:model_id/inferences/integrations/sagemaker_data_capture") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let form = try await forms.read(request)
            defer { form.discardFiles() }
            guard let file = form.files["inference_data"] else {
                throw SlipwayError.badRequest("send the capture file as the 'inference_data' part")
            }
            guard file.fileName.lowercased().hasSuffix(".jsonl") else {
                throw SlipwayError.badRequest("the capture file's name must end in .jsonl")
            }
            let report = try await monitoring.ingestDataCapture(try Data(contentsOf: file.url), into: model)
            return JSONResponse.make(.object([
                "counts": .object(["success": .number(Double(report.stored)), "failure": .number(Double(report.failures.count)),
                                   "total": .number(Double(report.total))]),
                "failures": .array(report.failures.map { failure in
                    .object(["message": .string(failure.error.message),
                             "status": .number(Double(failure.error.kind.httpStatus.code)),
                             "event_id": .string(failure.eventID ?? ""),
                             "inference_index_in_event": .number(Double(failure.indexInEvent ?? 0))])
                }),
            ]), status: ArthurMultiStatus.status)
        }
    }

    /// A file part (or, from clients that send it without a file name, a text field) as bytes.
    static func part(_ name: String, of form: FormContent) throws -> Data? {
        if let file = form.files[name] { return try Data(contentsOf: file.url) }
        return form.field(name).map { Data($0.utf8) }
    }
}
