import Foundation
@testable import SlipwayCore

/// `InferenceRetentionStore` in memory: series are read from the records here, so deleting the
/// records (oldest first, at most `limit`) is all a purge has to do.
extension InMemoryMetadataStore {
    func inferenceRetention(workspaceID: String) async throws -> InferenceRetention? {
        read { $0.inferenceRetention[workspaceID] }
    }

    func setInferenceRetention(workspaceID: String, _ retention: InferenceRetention?, at time: Date) async throws {
        try write { $0.inferenceRetention[workspaceID] = retention }
    }

    func inferenceRetentions() async throws -> [String: InferenceRetention] {
        read { $0.inferenceRetention }
    }

    func purgeInferenceRecords(workspaceID: String, before cutoff: Date, limit: Int) async throws -> InferencePurgeCount {
        try write { state in
            let expired = state.inferenceRecords.enumerated()
                .filter { $0.element.workspaceID == workspaceID && $0.element.time < cutoff }
                .sorted { $0.element.time < $1.element.time }
                .prefix(max(1, limit))
            let removed = Set(expired.map(\.offset))
            state.inferenceRecords = state.inferenceRecords.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
            return InferencePurgeCount(records: removed.count)
        }
    }
}
