import Foundation
import SQLKit
import SlipwayCore

/// Retention on the per-feature columns: a column row whose every point expired is dropped;
/// one that straddles the cutoff (a batch with old and recent records) is rewritten with only
/// its points at or after the cutoff, so that series read afterwards equal those of the
/// surviving records and readers need not know about retention.
extension InferenceColumns {
    /// Rewritten rows per chunk are fewer than dropped ones: each rewrite reads and writes a blob.
    static func trimmedRowsPerChunk(_ limit: Int) -> Int { max(1, limit / 50) }

    /// Drops at most `limit` expired rows of the workspace and rewrites at most
    /// `trimmedRowsPerChunk(limit)` straddling ones; returns how many of each. Both are found
    /// through the (workspace_id, first_time) index: only rows that start before the cutoff.
    static func trim(workspaceID: String, before cutoff: Double, limit: Int, in db: any SQLDatabase,
                     dialect: StoreDialect) async throws -> (dropped: Int, trimmed: Int) {
        let expired: SQLQueryString = """
            SELECT \(unsafeRaw: rowIdentity(dialect)) FROM inference_columns
            WHERE workspace_id = \(bind: workspaceID) AND first_time < \(bind: cutoff) AND last_time < \(bind: cutoff)
            LIMIT \(bind: limit)
            """
        let dropped: Int
        switch dialect {
        case .sqlite:
            dropped = try await db.raw("DELETE FROM inference_columns WHERE rowid IN (\(expired)) RETURNING 1").all().count
        case .postgres:
            // `ctid = ANY(ARRAY(…))` lets PostgreSQL fetch the rows by their tuple ids.
            dropped = try await db.raw("DELETE FROM inference_columns WHERE ctid = ANY(ARRAY(\(expired))) RETURNING 1")
                .all().count
        }
        let straddling = try await db.raw("""
            SELECT points FROM inference_columns
            WHERE workspace_id = \(bind: workspaceID) AND first_time < \(bind: cutoff) AND last_time >= \(bind: cutoff)
            LIMIT \(bind: trimmedRowsPerChunk(limit))\(dialect.lockingRead)
            """).all()
        var trimmed = 0
        for row in straddling {
            let blob = try row.decode(column: "points", as: Data.self)
            var kept: [(Double, Double)] = []
            unpack(blob) { time, value in
                if time >= cutoff { kept.append((time, value)) }
            }
            // Points are stored in time order, so the first kept one is the new first time.
            // The row is named by its content: rows alike in every column are rewritten alike.
            trimmed += try await db.raw("""
                UPDATE inference_columns SET points = \(bind: pack(kept)), first_time = \(bind: kept.first?.0 ?? cutoff),
                    value_count = \(bind: kept.count)
                WHERE workspace_id = \(bind: workspaceID) AND first_time < \(bind: cutoff) AND last_time >= \(bind: cutoff)
                    AND points = \(bind: blob)
                RETURNING 1
                """).all().count
        }
        return (dropped, trimmed)
    }

    /// The column naming a row of a table without a key of its own.
    static func rowIdentity(_ dialect: StoreDialect) -> String {
        switch dialect {
        case .sqlite: "rowid"
        case .postgres: "ctid"
        }
    }
}
