import Foundation
@testable import SlipwayCore

/// The capture tables: bindings, and ingestion records keyed by (binding, path, version).
struct CaptureTables: Sendable, Equatable {
    var bindings: [CaptureBinding] = []
    var ingestions: [CaptureIngestion] = []
}

/// `CaptureBindingStore` in memory, with the SQL backends' constraints ((model, folder) unique,
/// one record per (binding, path, version)), claims as conditional writes, and orders.
extension InMemoryMetadataStore {
    func insertCaptureBinding(_ binding: CaptureBinding) async throws {
        try write { state in
            guard !state.captures.bindings.contains(where: { $0.id == binding.id }) else { throw Self.duplicate("capture_bindings.id") }
            guard !state.captures.bindings.contains(where: { $0.modelID == binding.modelID && $0.folder == binding.folder }) else {
                throw Self.duplicate("capture_bindings.model_id, capture_bindings.folder")
            }
            state.captures.bindings.append(binding)
        }
    }

    func captureBinding(id: String) async throws -> CaptureBinding? {
        read { $0.captures.bindings.first { $0.id == id } }
    }

    func captureBindings(workspaceID: String) async throws -> [CaptureBinding] {
        read { Self.ordered($0.captures.bindings.filter { $0.workspaceID == workspaceID }) }
    }

    func allCaptureBindings() async throws -> [CaptureBinding] {
        read { Self.ordered($0.captures.bindings) }
    }

    func deleteCaptureBinding(id: String) async throws -> Bool {
        try write { state in
            guard let index = state.captures.bindings.firstIndex(where: { $0.id == id }) else { return false }
            state.captures.bindings.remove(at: index)
            return true
        }
    }

    func claimCaptureIngestion(_ ingestion: CaptureIngestion, now: Date) async throws -> CaptureIngestion? {
        try write { state in
            if let index = state.captures.ingestions.firstIndex(where: { Self.sameKey($0, ingestion) }) {
                var existing = state.captures.ingestions[index]
                guard existing.isRetryable(at: now) else { return nil }
                existing.attempts += 1
                existing.claimToken = ingestion.claimToken
                existing.claimedUntil = ingestion.claimedUntil
                existing.updatedAt = ingestion.updatedAt
                state.captures.ingestions[index] = existing
                return existing
            }
            var inserted = ingestion
            inserted.status = .pending
            inserted.successCount = 0
            inserted.failureCount = 0
            inserted.totalCount = 0
            inserted.failures = []
            inserted.attempts = 1
            state.captures.ingestions.append(inserted)
            return inserted
        }
    }

    func finishCaptureIngestion(_ ingestion: CaptureIngestion, claimToken: String) async throws -> Bool {
        try write { state in
            guard let index = state.captures.ingestions.firstIndex(where: { Self.sameKey($0, ingestion) }),
                  state.captures.ingestions[index].claimToken == claimToken else { return false }
            var stored = state.captures.ingestions[index]
            stored.status = ingestion.status
            stored.successCount = ingestion.successCount
            stored.failureCount = ingestion.failureCount
            stored.totalCount = ingestion.totalCount
            stored.failures = ingestion.failures
            stored.claimToken = ingestion.claimToken
            stored.claimedUntil = ingestion.claimedUntil
            stored.updatedAt = ingestion.updatedAt
            state.captures.ingestions[index] = stored
            return true
        }
    }

    func captureIngestions(bindingID: String, paths: [String]) async throws -> [CaptureIngestion] {
        let wanted = Set(paths)
        return read { $0.captures.ingestions.filter { $0.bindingID == bindingID && wanted.contains($0.path) } }
    }

    func recentCaptureIngestions(bindingID: String, limit: Int) async throws -> [CaptureIngestion] {
        read { state in
            // ORDER BY updated_at DESC, path, version (BINARY collation: UTF-8 bytes).
            Array(state.captures.ingestions.filter { $0.bindingID == bindingID }.sorted { a, b in
                if a.updatedAt != b.updatedAt { return a.updatedAt > b.updatedAt }
                if a.path != b.path { return a.path.utf8.lexicographicallyPrecedes(b.path.utf8) }
                return a.version.utf8.lexicographicallyPrecedes(b.version.utf8)
            }.prefix(max(limit, 0)))
        }
    }

    func captureIngestionTotals(bindingID: String) async throws -> CaptureIngestionTotals {
        read { state in
            var totals = CaptureIngestionTotals()
            for ingestion in state.captures.ingestions where ingestion.bindingID == bindingID {
                totals.files[ingestion.status, default: 0] += 1
                totals.successCount += ingestion.successCount
                totals.failureCount += ingestion.failureCount
                totals.totalCount += ingestion.totalCount
            }
            return totals
        }
    }

    private static func sameKey(_ a: CaptureIngestion, _ b: CaptureIngestion) -> Bool {
        a.bindingID == b.bindingID && a.path == b.path && a.version == b.version
    }

    private static func ordered(_ bindings: [CaptureBinding]) -> [CaptureBinding] {
        bindings.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }
}
