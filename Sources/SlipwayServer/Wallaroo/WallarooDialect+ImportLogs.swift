import Foundation
import Hummingbird
import SlipwayCore

/// `POST /v1/api/pipelines/import_logs` (contracts: loading historical inference records): a
/// JSON body `{"workspace_id", "pipeline_id": <pipeline name>, "model_name", "records": [...]}`,
/// or an Arrow IPC file with those fields as query parameters → `{"inserted": N}`. The records
/// then read like served ones (logs, assay baselines and windows).
extension WallarooDialect {
    /// Largest import body.
    static let maxImportBytes = 512 << 20

    func registerImportLogs(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("pipelines/import_logs") { request, context -> Response in
            let user = try context.wallarooUser()
            let buffer = try await request.collectBody(limit: Self.maxImportBytes)
            let body = Data(buffer: buffer)
            let workspaceNumber: Int, pipelineName: String, modelName: String, inferences: [ImportedInference]
            if request.contentType.lowercased().hasPrefix(Self.arrowFile) {
                let query = request.uri.queryParameters
                guard let workspace = query["workspace_id"].flatMap({ Int(String($0)) }) else {
                    throw SlipwayError.badRequest("'workspace_id' (an integer query parameter) is required with an Arrow body")
                }
                guard let pipeline = query["pipeline_id"].map(String.init), !pipeline.isEmpty,
                      let model = query["model_name"].map(String.init), !model.isEmpty else {
                    throw SlipwayError.badRequest("'pipeline_id' and 'model_name' query parameters are required with an Arrow body")
                }
                (workspaceNumber, pipelineName, modelName) = (workspace, pipeline, model)
                inferences = try WallarooLogImport.inferences(fromArrow: body)
            } else {
                let value: JSONValue
                do {
                    value = try JSONValue.parse(String(decoding: body, as: UTF8.self))
                } catch {
                    throw SlipwayError.badRequest("the request body is not valid JSON")
                }
                guard case .object(let fields) = value else { throw SlipwayError.badRequest("the request body must be a JSON object") }
                workspaceNumber = try WallarooAssayConfig.int(fields["workspace_id"], "workspace_id")
                pipelineName = try WallarooAssayConfig.string(fields["pipeline_id"], "pipeline_id")
                modelName = try WallarooAssayConfig.string(fields["model_name"], "model_name")
                inferences = try WallarooLogImport.inferences(fromJSONArray: fields["records"] ?? .null)
            }
            let (workspace, _) = try await accounts.workspace(number: workspaceNumber, visibleTo: user)
            let inserted = try await InferenceImporter(store: platform.store, maxRecordBytes: platform.limits.maxInferenceRecordBytes)
                .importRecords(inferences, workspaceID: workspace.id, pipelineName: pipelineName, modelName: modelName)
            return JSONResponse.make(JSONValue.object(["inserted": .number(Double(inserted))]))
        }
    }
}
