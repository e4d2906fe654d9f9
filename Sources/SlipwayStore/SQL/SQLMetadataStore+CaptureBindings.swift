import Foundation
import SQLKit
import SlipwayCore

/// `CaptureBindingStore` on SQL (migration 19). A claim is a conditional write: an update of a
/// pending record whose claim expired, or an insert that does nothing when the (binding, path,
/// version) key exists; either way `RETURNING` says whether this caller got it. Sums are cast
/// to BIGINT so that both databases return integers (PostgreSQL's SUM of BIGINT is NUMERIC).
extension SQLMetadataStore {
    public func insertCaptureBinding(_ binding: CaptureBinding) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO capture_bindings (id, workspace_id, model_id, folder, created_by, created_at)
                VALUES (\(bind: binding.id), \(bind: binding.workspaceID), \(bind: binding.modelID), \(bind: binding.folder),
                    \(bind: binding.createdBy), \(bind: binding.createdAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func captureBinding(id: String) async throws -> CaptureBinding? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM capture_bindings WHERE id = \(bind: id)").first().map(Self.captureBinding(from:))
        }
    }

    public func captureBindings(workspaceID: String) async throws -> [CaptureBinding] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM capture_bindings WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id
                """).all().map(Self.captureBinding(from:))
        }
    }

    public func allCaptureBindings() async throws -> [CaptureBinding] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM capture_bindings ORDER BY created_at, id").all().map(Self.captureBinding(from:))
        }
    }

    public func deleteCaptureBinding(id: String) async throws -> Bool {
        try await withDatabase { db in
            !(try await db.raw("DELETE FROM capture_bindings WHERE id = \(bind: id) RETURNING id").all().isEmpty)
        }
    }

    public func claimCaptureIngestion(_ ingestion: CaptureIngestion, now: Date) async throws -> CaptureIngestion? {
        try await sqlTransaction { db in
            let expired = try await db.raw("""
                UPDATE capture_ingestions SET attempts = attempts + 1, claim_token = \(bind: ingestion.claimToken),
                    claimed_until = \(bind: ingestion.claimedUntil?.timeIntervalSince1970),
                    updated_at = \(bind: ingestion.updatedAt.timeIntervalSince1970)
                WHERE binding_id = \(bind: ingestion.bindingID) AND path = \(bind: ingestion.path)
                  AND version = \(bind: ingestion.version) AND status = \(bind: CaptureIngestion.Status.pending.rawValue)
                  AND (claimed_until IS NULL OR claimed_until <= \(bind: now.timeIntervalSince1970))
                RETURNING *
                """).first()
            if let expired { return try Self.captureIngestion(from: expired) }
            return try await db.raw("""
                INSERT INTO capture_ingestions (binding_id, path, version, workspace_id, model_id, size, status,
                    success_count, failure_count, total_count, failures_json, attempts, claim_token, claimed_until,
                    created_at, updated_at)
                VALUES (\(bind: ingestion.bindingID), \(bind: ingestion.path), \(bind: ingestion.version),
                    \(bind: ingestion.workspaceID), \(bind: ingestion.modelID), \(bind: ingestion.size),
                    \(bind: CaptureIngestion.Status.pending.rawValue), 0, 0, 0, '[]', 1, \(bind: ingestion.claimToken),
                    \(bind: ingestion.claimedUntil?.timeIntervalSince1970), \(bind: ingestion.createdAt.timeIntervalSince1970),
                    \(bind: ingestion.updatedAt.timeIntervalSince1970))
                ON CONFLICT (binding_id, path, version) DO NOTHING
                RETURNING *
                """).first().map(Self.captureIngestion(from:))
        }
    }

    public func finishCaptureIngestion(_ ingestion: CaptureIngestion, claimToken: String) async throws -> Bool {
        try await withDatabase { db in
            !(try await db.raw("""
                UPDATE capture_ingestions SET status = \(bind: ingestion.status.rawValue),
                    success_count = \(bind: ingestion.successCount), failure_count = \(bind: ingestion.failureCount),
                    total_count = \(bind: ingestion.totalCount), failures_json = \(bind: encodeJSON(ingestion.failures)),
                    claim_token = \(bind: ingestion.claimToken), claimed_until = \(bind: ingestion.claimedUntil?.timeIntervalSince1970),
                    updated_at = \(bind: ingestion.updatedAt.timeIntervalSince1970)
                WHERE binding_id = \(bind: ingestion.bindingID) AND path = \(bind: ingestion.path)
                  AND version = \(bind: ingestion.version) AND claim_token = \(bind: claimToken)
                RETURNING binding_id
                """).all().isEmpty)
        }
    }

    public func captureIngestions(bindingID: String, paths: [String]) async throws -> [CaptureIngestion] {
        guard !paths.isEmpty else { return [] }
        return try await withDatabase { db in
            var found: [CaptureIngestion] = []
            for start in stride(from: 0, to: paths.count, by: 500) {
                let chunk = Array(paths[start..<min(start + 500, paths.count)])
                found += try await db.select().column("*").from("capture_ingestions").where("binding_id", .equal, bindingID)
                    .where("path", .in, chunk).all().map(Self.captureIngestion(from:))
            }
            return found
        }
    }

    public func recentCaptureIngestions(bindingID: String, limit: Int) async throws -> [CaptureIngestion] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM capture_ingestions WHERE binding_id = \(bind: bindingID)
                ORDER BY updated_at DESC, path, version LIMIT \(bind: max(limit, 0))
                """).all().map(Self.captureIngestion(from:))
        }
    }

    public func captureIngestionTotals(bindingID: String) async throws -> CaptureIngestionTotals {
        try await withDatabase { db in
            var totals = CaptureIngestionTotals()
            let rows = try await db.raw("""
                SELECT status, COUNT(*) AS files, CAST(SUM(success_count) AS BIGINT) AS success,
                    CAST(SUM(failure_count) AS BIGINT) AS failure, CAST(SUM(total_count) AS BIGINT) AS total
                FROM capture_ingestions WHERE binding_id = \(bind: bindingID) GROUP BY status
                """).all()
            for row in rows {
                guard let status = CaptureIngestion.Status(rawValue: try row.string("status")) else { continue }
                totals.files[status] = try row.int("files")
                totals.successCount += try row.int("success")
                totals.failureCount += try row.int("failure")
                totals.totalCount += try row.int("total")
            }
            return totals
        }
    }

    static func captureBinding(from row: any SQLRow) throws -> CaptureBinding {
        CaptureBinding(id: try row.string("id"), workspaceID: try row.string("workspace_id"), modelID: try row.string("model_id"),
                       folder: try row.string("folder"), createdBy: try row.string("created_by"),
                       createdAt: try row.date("created_at"))
    }

    static func captureIngestion(from row: any SQLRow) throws -> CaptureIngestion {
        guard let status = CaptureIngestion.Status(rawValue: try row.string("status")) else {
            throw SlipwayError.internal("capture ingestion with an unknown status")
        }
        return CaptureIngestion(
            bindingID: try row.string("binding_id"), workspaceID: try row.string("workspace_id"),
            modelID: try row.string("model_id"), path: try row.string("path"), version: try row.string("version"),
            size: Int64(try row.int("size")), status: status, successCount: try row.int("success_count"),
            failureCount: try row.int("failure_count"), totalCount: try row.int("total_count"),
            failures: try row.json("failures_json", as: [String].self), attempts: try row.int("attempts"),
            claimToken: try row.optionalString("claim_token"), claimedUntil: try row.optionalDate("claimed_until"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
