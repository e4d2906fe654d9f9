import Foundation
@testable import SlipwayCore

/// The monitoring tables of `InMemoryMetadataStore`.
struct MonitoringTables: Sendable, Equatable {
    var models: [MonitoredModel] = []
    /// By model id, then batch id.
    var batches: [String: [String: MonitoringBatch]] = [:]
    var referenceSets: [String: ReferenceDataSet] = [:]
    var referenceRows: [String: [[String: FeatureValue]]] = [:]
}

/// `MonitoringStore` in memory, with the SQL backends' constraints (partner model id unique per
/// workspace) and orders (models by creation time, then id).
extension InMemoryMetadataStore {
    func insertMonitoredModel(_ model: MonitoredModel) async throws {
        try write { state in
            guard !state.monitoring.models.contains(where: { $0.id == model.id }) else { throw Self.duplicate("monitored_models.id") }
            guard !state.monitoring.models.contains(where: { $0.workspaceID == model.workspaceID && $0.partnerModelID == model.partnerModelID }) else {
                throw Self.duplicate("monitored_models.workspace_id, monitored_models.partner_model_id")
            }
            state.monitoring.models.append(model)
        }
    }

    func monitoredModel(id: String) async throws -> MonitoredModel? {
        read { $0.monitoring.models.first { $0.id == id } }
    }

    func monitoredModel(workspaceID: String, partnerModelID: String) async throws -> MonitoredModel? {
        read { $0.monitoring.models.first { $0.workspaceID == workspaceID && $0.partnerModelID == partnerModelID } }
    }

    func monitoredModels(workspaceID: String) async throws -> [MonitoredModel] {
        read { state in
            state.monitoring.models.filter { $0.workspaceID == workspaceID }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    func deleteMonitoredModel(id: String) async throws {
        try write { state in
            state.inferenceRecords.removeAll { $0.deploymentID == id }
            state.monitoring.batches[id] = nil
            state.monitoring.referenceRows[id] = nil
            state.monitoring.referenceSets[id] = nil
            state.captures.ingestions.removeAll { $0.modelID == id }
            state.captures.bindings.removeAll { $0.modelID == id }
            state.monitoring.models.removeAll { $0.id == id }
        }
    }

    func existingExternalIDs(deploymentID: String, among externalIDs: [String]) async throws -> Set<String> {
        let wanted = Set(externalIDs)
        return read { state in
            Set(state.inferenceRecords.compactMap { record in
                record.deploymentID == deploymentID && !record.isShadow ? record.externalID.flatMap { wanted.contains($0) ? $0 : nil } : nil
            })
        }
    }

    func attachGroundTruth(deploymentID: String, _ updates: [GroundTruthUpdate]) async throws -> Set<String> {
        try write { state in
            var matched: Set<String> = []
            for update in updates {
                for index in state.inferenceRecords.indices {
                    let record = state.inferenceRecords[index]
                    guard record.deploymentID == deploymentID, !record.isShadow, record.externalID == update.externalID else { continue }
                    state.inferenceRecords[index].groundTruth = update.values
                    state.inferenceRecords[index].groundTruthTime = update.time
                    matched.insert(update.externalID)
                }
            }
            return matched
        }
    }

    func countBatchRecords(modelID: String, _ counts: [String: Int], at time: Date) async throws {
        try write { state in
            for (batchID, count) in counts {
                var batch = state.monitoring.batches[modelID]?[batchID]
                    ?? MonitoringBatch(modelID: modelID, batchID: batchID, status: .started, storedRecordCount: 0, createdAt: time, updatedAt: time)
                batch.storedRecordCount += count
                batch.updatedAt = time
                state.monitoring.batches[modelID, default: [:]][batchID] = batch
            }
        }
    }

    func closeMonitoringBatch(modelID: String, batchID: String, declaredCount: Int?, at time: Date) async throws -> MonitoringBatch {
        try write { state in
            var batch = state.monitoring.batches[modelID]?[batchID]
                ?? MonitoringBatch(modelID: modelID, batchID: batchID, status: .uploaded, storedRecordCount: 0, createdAt: time, updatedAt: time)
            batch.status = .uploaded
            batch.declaredRecordCount = declaredCount
            batch.updatedAt = time
            state.monitoring.batches[modelID, default: [:]][batchID] = batch
            return batch
        }
    }

    func monitoringBatch(modelID: String, batchID: String) async throws -> MonitoringBatch? {
        read { $0.monitoring.batches[modelID]?[batchID] }
    }

    func appendReferenceRows(modelID: String, _ rows: [[String: FeatureValue]], at time: Date) async throws {
        guard !rows.isEmpty else { return }
        try write { state in
            var set = state.monitoring.referenceSets[modelID]
                ?? ReferenceDataSet(modelID: modelID, status: .started, storedRecordCount: 0, createdAt: time, updatedAt: time)
            set.storedRecordCount += rows.count
            set.updatedAt = time
            state.monitoring.referenceSets[modelID] = set
            state.monitoring.referenceRows[modelID, default: []] += rows
        }
    }

    func closeReferenceData(modelID: String, declaredCount: Int?, at time: Date) async throws -> ReferenceDataSet {
        try write { state in
            var set = state.monitoring.referenceSets[modelID]
                ?? ReferenceDataSet(modelID: modelID, status: .uploaded, storedRecordCount: 0, createdAt: time, updatedAt: time)
            set.status = .uploaded
            set.declaredRecordCount = declaredCount
            set.updatedAt = time
            state.monitoring.referenceSets[modelID] = set
            return set
        }
    }

    func referenceDataSet(modelID: String) async throws -> ReferenceDataSet? {
        read { $0.monitoring.referenceSets[modelID] }
    }

    func referenceRows(modelID: String) async throws -> [[String: FeatureValue]] {
        read { $0.monitoring.referenceRows[modelID] ?? [] }
    }
}
