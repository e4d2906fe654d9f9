import Foundation
@testable import SlipwayCore

/// `AssayStore` and feature series in memory (series are read from the records, the reference
/// behaviour `InferenceSeriesQuery.series(of:)` defines).
extension InMemoryMetadataStore {
    func insertAssay(_ assay: Assay) async throws {
        try write { state in
            guard !state.assays.contains(where: { $0.id == assay.id }) else { throw Self.duplicate("assays.id") }
            state.assays.append(assay)
        }
    }

    func assay(id: String) async throws -> Assay? {
        read { $0.assays.first { $0.id == id } }
    }

    func assays(pipelineID: String) async throws -> [Assay] {
        read { $0.assays.filter { $0.pipelineID == pipelineID }.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) } }
    }

    func activeAssays() async throws -> [Assay] {
        read { $0.assays.filter(\.isActive).sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    }

    func setAssayActive(id: String, active: Bool, at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.assays.firstIndex(where: { $0.id == id }) else { return false }
            state.assays[index].isActive = active
            state.assays[index].updatedAt = time
            return true
        }
    }

    func recordAssayResults(_ results: [AssayResult], assayID: String, from analyzedWindows: Int, through: Int,
                            at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.assays.firstIndex(where: { $0.id == assayID }),
                  state.assays[index].analyzedWindows == analyzedWindows else { return false }
            state.assays[index].analyzedWindows = through
            state.assays[index].lastRunAt = time
            for var result in results {
                if result.id == nil { result.id = UUID().uuidString.lowercased() }
                state.assayResults.append(result)
            }
            return true
        }
    }

    func assayResults(assayID: String, start: Date?, end: Date?, limit: Int) async throws -> [AssayResult] {
        read { state in
            Array(state.assayResults.filter { result in
                result.assayID == assayID && start.map { result.windowStart >= $0 } ?? true
                    && end.map { result.windowStart < $0 } ?? true
            }.sorted { ($0.windowStart, $0.windowIndex) < ($1.windowStart, $1.windowIndex) }.prefix(limit))
        }
    }

    func assayAlerts(workspaceID: String, limit: Int) async throws -> [AssayResult] {
        read { state in
            Array(state.assayResults.filter { $0.workspaceID == workspaceID && $0.status == .alert }
                .sorted { $0.analyzedAt > $1.analyzedAt }.prefix(limit))
        }
    }

    func inferenceSeries(_ query: InferenceSeriesQuery) async throws -> InferenceSeries {
        read { query.series(of: $0.inferenceRecords) }
    }
}
