import Foundation

/// Monitored models (served elsewhere), their batches and reference data, and the
/// record-level writes their ingestion needs on the shared inference-record store.
public protocol MonitoringStore: Sendable {
    /// Inserts the model; a second model with the same partner model id in the workspace is refused.
    func insertMonitoredModel(_ model: MonitoredModel) async throws
    func monitoredModel(id: String) async throws -> MonitoredModel?
    func monitoredModel(workspaceID: String, partnerModelID: String) async throws -> MonitoredModel?
    /// Oldest first.
    func monitoredModels(workspaceID: String) async throws -> [MonitoredModel]
    /// Removes the model with its inference records, batches, reference data, capture bindings
    /// and their ingestion records.
    func deleteMonitoredModel(id: String) async throws

    /// Which of `externalIDs` already name a record of the deployment (shadow results aside).
    func existingExternalIDs(deploymentID: String, among externalIDs: [String]) async throws -> Set<String>
    /// Sets the ground truth (values and time) of the deployment's records with these external
    /// ids, replacing any earlier one; returns the external ids that matched a record.
    func attachGroundTruth(deploymentID: String, _ updates: [GroundTruthUpdate]) async throws -> Set<String>

    /// Adds stored-record counts to batches (by batch id), creating the batches that are new.
    func countBatchRecords(modelID: String, _ counts: [String: Int], at time: Date) async throws
    /// Marks a batch uploaded with the sender's count (creating it when nothing was stored for it).
    func closeMonitoringBatch(modelID: String, batchID: String, declaredCount: Int?, at time: Date) async throws -> MonitoringBatch
    func monitoringBatch(modelID: String, batchID: String) async throws -> MonitoringBatch?

    /// Appends reference rows after those already stored (starting the data set if needed).
    func appendReferenceRows(modelID: String, _ rows: [[String: FeatureValue]], at time: Date) async throws
    /// Marks the reference data uploaded with the sender's count (starting it if needed).
    func closeReferenceData(modelID: String, declaredCount: Int?, at time: Date) async throws -> ReferenceDataSet
    func referenceDataSet(modelID: String) async throws -> ReferenceDataSet?
    /// Every reference row, in upload order.
    func referenceRows(modelID: String) async throws -> [[String: FeatureValue]]
}
