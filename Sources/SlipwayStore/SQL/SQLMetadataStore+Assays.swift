import Foundation
import SQLKit
import SlipwayCore

/// `AssayStore` on SQL: an assay is one row (the indexed columns plus the whole assay as JSON),
/// a result one row per (assay, window), unique, so that a window is stored once.
extension SQLMetadataStore {
    public func insertAssay(_ assay: Assay) async throws {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO assays (id, workspace_id, pipeline_id, name, active, analyzed_windows, last_run_at, created_at,
                    updated_at, assay_json)
                VALUES (\(bind: assay.id), \(bind: assay.workspaceID), \(bind: assay.pipelineID), \(bind: assay.name),
                    \(bind: assay.isActive ? 1 : 0), \(bind: assay.analyzedWindows), \(bind: assay.lastRunAt?.timeIntervalSince1970),
                    \(bind: assay.createdAt.timeIntervalSince1970), \(bind: assay.updatedAt.timeIntervalSince1970),
                    \(bind: encodeJSON(assay)))
                """).run()
        }
    }

    public func assay(id: String) async throws -> Assay? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM assays WHERE id = \(bind: id)").first().map(Self.assay(from:))
        }
    }

    public func assays(pipelineID: String) async throws -> [Assay] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM assays WHERE pipeline_id = \(bind: pipelineID) ORDER BY created_at DESC, id DESC")
                .all().map(Self.assay(from:))
        }
    }

    public func activeAssays() async throws -> [Assay] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM assays WHERE active = 1 ORDER BY created_at, id").all().map(Self.assay(from:))
        }
    }

    public func setAssayActive(id: String, active: Bool, at time: Date) async throws -> Bool {
        try await sqlTransaction { db in
            guard let row = try await db.raw("SELECT * FROM assays WHERE id = \(bind: id)").first() else { return false }
            var assay = try Self.assay(from: row)
            assay.isActive = active
            assay.updatedAt = time
            try await db.raw("""
                UPDATE assays SET active = \(bind: active ? 1 : 0), updated_at = \(bind: time.timeIntervalSince1970),
                    assay_json = \(bind: encodeJSON(assay)) WHERE id = \(bind: id)
                """).run()
            return true
        }
    }

    public func recordAssayResults(_ results: [AssayResult], assayID: String, from analyzedWindows: Int, through: Int,
                                   at time: Date) async throws -> Bool {
        try await sqlTransaction { db in
            let claimed = try await db.raw("""
                UPDATE assays SET analyzed_windows = \(bind: through), last_run_at = \(bind: time.timeIntervalSince1970)
                WHERE id = \(bind: assayID) AND analyzed_windows = \(bind: analyzedWindows) RETURNING id
                """).all()
            guard !claimed.isEmpty else { return false }
            for result in results {
                try await db.raw("""
                    INSERT INTO assay_results (id, assay_id, workspace_id, window_index, window_start, status, analyzed_at,
                        result_json)
                    VALUES (\(bind: result.id ?? UUID().uuidString.lowercased()), \(bind: assayID), \(bind: result.workspaceID),
                        \(bind: result.windowIndex), \(bind: result.windowStart.timeIntervalSince1970),
                        \(bind: result.status.rawValue), \(bind: result.analyzedAt.timeIntervalSince1970),
                        \(bind: encodeJSON(result)))
                    """).run()
            }
            return true
        }
    }

    public func assayResults(assayID: String, start: Date?, end: Date?, limit: Int) async throws -> [AssayResult] {
        try await withDatabase { db in
            var select = db.select().columns("id", "result_json").from("assay_results").where("assay_id", .equal, assayID)
            if let start { select = select.where("window_start", .greaterThanOrEqual, start.timeIntervalSince1970) }
            if let end { select = select.where("window_start", .lessThan, end.timeIntervalSince1970) }
            return try await select.orderBy("window_start").orderBy("window_index").limit(limit).all().map(Self.assayResult(from:))
        }
    }

    public func assayAlerts(workspaceID: String, limit: Int) async throws -> [AssayResult] {
        try await withDatabase { db in
            try await db.select().columns("id", "result_json").from("assay_results")
                .where("workspace_id", .equal, workspaceID).where("status", .equal, AssayStatus.alert.rawValue)
                .orderBy("analyzed_at", .descending).orderBy("id", .descending).limit(limit).all().map(Self.assayResult(from:))
        }
    }

    static func assay(from row: any SQLRow) throws -> Assay {
        var assay = try row.json("assay_json", as: Assay.self)
        assay.isActive = try row.bool("active")
        assay.analyzedWindows = try row.int("analyzed_windows")
        assay.lastRunAt = try row.optionalDate("last_run_at")
        return assay
    }

    static func assayResult(from row: any SQLRow) throws -> AssayResult {
        var result = try row.json("result_json", as: AssayResult.self)
        result.id = try row.string("id")
        return result
    }
}
