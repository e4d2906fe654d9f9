import Foundation

/// Loads historical inferences as records of a pipeline served by the latest version of a
/// named model: they then read (logs, baselines, assay windows) exactly like served ones. All
/// are checked before any is stored, and all are stored in one transaction. Used by the API and
/// by `slipway inference import`, which has only a store.
public struct InferenceImporter: Sendable {
    let store: any MetadataStore
    let maxRecordBytes: Int

    /// Records one import may load.
    public static let maximumRecords = 500_000

    public init(store: any MetadataStore, maxRecordBytes: Int = Limits().maxInferenceRecordBytes) {
        self.store = store
        self.maxRecordBytes = maxRecordBytes
    }

    /// Imports into the workspace's pipeline named `pipelineName`; returns how many were stored.
    public func importRecords(_ inferences: [ImportedInference], workspaceID: String, pipelineName: String,
                              modelName: String) async throws -> Int {
        guard let pipeline = try await store.pipeline(workspaceID: workspaceID, name: pipelineName) else {
            throw SlipwayError.notFound("pipeline", NameRules.printable(pipelineName))
        }
        guard !inferences.isEmpty else { throw SlipwayError.badRequest("there are no records to import") }
        guard inferences.count <= Self.maximumRecords else {
            throw SlipwayError.tooLarge("one import holds at most \(Self.maximumRecords) records")
        }
        guard let model = try await store.model(workspaceID: workspaceID, name: modelName) else {
            throw SlipwayError.notFound("model", NameRules.printable(modelName))
        }
        guard let version = try await store.modelVersions(modelID: model.id).last else {
            throw SlipwayError.badRequest("model '\(NameRules.printable(modelName))' has no version to attribute the records to")
        }
        let pipelineVersion = try await store.pipelineVersions(pipelineID: pipeline.id).last
        // Records of a pipeline that was never deployed carry the pipeline's id as their deployment.
        let deploymentID = try await store.modelDeployments(pipelineID: pipeline.id)
            .max(by: { $0.createdAt < $1.createdAt })?.id ?? pipeline.id
        var records: [InferenceRecord] = []
        records.reserveCapacity(inferences.count)
        let recordIDs = InferenceRecordIDs(at: Date())
        for (index, inference) in inferences.enumerated() {
            let record = InferenceRecord(
                id: recordIDs.id(at: index), workspaceID: workspaceID, deploymentID: deploymentID,
                pipelineID: pipeline.id, pipelineVersionID: pipelineVersion?.id, modelVersionID: version.id,
                time: inference.time, inputs: inference.inputs, outputs: inference.outputs)
                .limited(toBytes: maxRecordBytes)
            do {
                try record.validate()
            } catch {
                throw SlipwayError.badRequest("record \(index + 1): \(error.message)")
            }
            records.append(record)
        }
        try await store.appendInferenceRecords(records)
        return records.count
    }
}
