import Foundation

/// Keeps the endpoint executions of a deployment that records inferences
/// (`Deployment.recordsInferences`) as inference records, in the same store (and the same
/// per-feature columns) as served model inferences.
///
/// One record per execution that succeeded: its inputs as the caller named them (the endpoint
/// input names), its outputs as the caller received them (the endpoint output names). Inputs
/// and outputs that are not exchanged with the caller (constants, environment variables, data
/// store, null) are not features: environment variables may hold credentials, and the record
/// says what the endpoint was asked and what it answered. A file input or output is recorded as
/// a reference, `{"file_name": "<name>"}`: its content stays with the execution, whose id is
/// the record's external id. Failed executions answered nothing and are not recorded.
struct EndpointInferenceRecording: Sendable {
    let deployment: Deployment
    let recorder: InferenceRecorder
    let maxRecordBytes: Int

    /// The recording of `deployment`'s endpoint executions, or nil when it does not record them
    /// (read from the deployment already loaded: nothing more is read or written when off).
    static func of(_ deployment: Deployment, trigger: ExecutionTrigger, recorder: InferenceRecorder,
                   maxRecordBytes: Int) -> EndpointInferenceRecording? {
        guard deployment.recordsInferences, deployment.rule == .endpoint, trigger == .endpoint else { return nil }
        return EndpointInferenceRecording(deployment: deployment, recorder: recorder, maxRecordBytes: maxRecordBytes)
    }

    /// The record of a successful execution: stamped with the time the execution was created
    /// (the call's arrival), `latency` being the time the function and its outputs took.
    func record(of execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput],
                latency: Duration) -> InferenceRecord {
        var features: [String: FeatureValue] = [:]
        for input in inputs {
            guard let name = input.source.endpointName else { continue }
            features[name] = input.dataType == .file
                ? Self.fileReference(input.fileName)
                : FeatureValue(json: input.value ?? .null)
        }
        var answered: [String: FeatureValue] = [:]
        for output in outputs {
            guard let name = output.destination.endpointName else { continue }
            answered[name] = output.dataType == .file
                ? Self.fileReference(output.fileName)
                : FeatureValue(json: output.value ?? .null)
        }
        var record = InferenceRecord(
            id: InferenceRecordIDs(at: execution.createdAt).id(at: 0), workspaceID: deployment.workspaceID,
            deploymentID: deployment.id, pipelineID: deployment.pipelineID, time: execution.createdAt,
            externalID: execution.id, inputs: features, outputs: answered, latency: max(latency, .zero))
        record = record.limited(toBytes: maxRecordBytes)
        return record
    }

    /// Appends the record of a successful execution; returns once it is committed.
    func append(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput], latency: Duration)
        async throws {
        try await recorder.record([record(of: execution, inputs: inputs, outputs: outputs, latency: latency)])
    }

    static func fileReference(_ fileName: String?) -> FeatureValue {
        fileName.map { .json(.object(["file_name": .string($0)])) } ?? .null
    }
}
