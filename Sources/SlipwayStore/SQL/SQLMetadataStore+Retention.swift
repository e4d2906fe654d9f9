import Foundation
import SQLKit
import SlipwayCore

/// `InferenceRetentionStore` on SQL: settings in `inference_retention` (a row per workspace
/// with a setting of its own; `days` NULL keeps records for ever), and the bounded deletion of
/// expired records together with their per-feature columns, in one transaction per chunk.
extension SQLMetadataStore {
    public func inferenceRetention(workspaceID: String) async throws -> InferenceRetention? {
        try await withDatabase { db in
            guard let row = try await db.raw("""
                SELECT days FROM inference_retention WHERE workspace_id = \(bind: workspaceID)
                """).first() else { return nil }
            return try Self.retention(from: row)
        }
    }

    public func setInferenceRetention(workspaceID: String, _ retention: InferenceRetention?, at time: Date) async throws {
        try await withDatabase { db in
            guard let retention else {
                try await db.raw("DELETE FROM inference_retention WHERE workspace_id = \(bind: workspaceID)").run()
                return
            }
            try await db.raw("""
                INSERT INTO inference_retention (workspace_id, days, updated_at)
                VALUES (\(bind: workspaceID), \(bind: retention.days), \(bind: time.timeIntervalSince1970))
                ON CONFLICT (workspace_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at
                """).run()
        }
    }

    public func inferenceRetentions() async throws -> [String: InferenceRetention] {
        try await withDatabase { db in
            var settings: [String: InferenceRetention] = [:]
            for row in try await db.raw("SELECT workspace_id, days FROM inference_retention").all() {
                settings[try row.string("workspace_id")] = try Self.retention(from: row)
            }
            return settings
        }
    }

    public func purgeInferenceRecords(workspaceID: String, before cutoff: Date, limit: Int) async throws -> InferencePurgeCount {
        let dialect = dialect, limit = max(1, limit), time = cutoff.timeIntervalSince1970
        return try await sqlTransaction { db in
            // The oldest records first, through the (workspace_id, time) index.
            let deleted = try await db.raw("""
                DELETE FROM inference_records WHERE id IN (SELECT id FROM inference_records
                    WHERE workspace_id = \(bind: workspaceID) AND time < \(bind: time) ORDER BY time LIMIT \(bind: limit))
                RETURNING id
                """).all().count
            let (dropped, trimmed) = try await InferenceColumns.trim(workspaceID: workspaceID, before: time, limit: limit,
                                                                     in: db, dialect: dialect)
            return InferencePurgeCount(records: deleted, droppedColumns: dropped, trimmedColumns: trimmed)
        }
    }

    static func retention(from row: any SQLRow) throws -> InferenceRetention {
        guard let days = try row.decode(column: "days", as: Int?.self) else { return .forever }
        return .days(days)
    }
}
