import Foundation
import SQLKit
import SlipwayCore

/// `MonitoringStore` on SQL: one row per monitored model (attributes as a JSON document), per
/// batch, per reference data set and per reference row; ground truth is written onto the
/// shared `inference_records` rows, found through the (deployment, external id) index.
extension SQLMetadataStore {
    public func insertMonitoredModel(_ model: MonitoredModel) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO monitored_models (id, workspace_id, partner_model_id, display_name, description, input_kind,
                    output_kind, is_batch, status, attributes_json, created_by, created_at, updated_at)
                VALUES (\(bind: model.id), \(bind: model.workspaceID), \(bind: model.partnerModelID), \(bind: model.displayName),
                    \(bind: model.description), \(bind: model.inputKind.rawValue), \(bind: model.outputKind.rawValue),
                    \(bind: model.isBatch ? 1 : 0), \(bind: model.status.rawValue), \(bind: encodeJSON(model.attributes)),
                    \(bind: model.createdBy), \(bind: model.createdAt.timeIntervalSince1970), \(bind: model.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func monitoredModel(id: String) async throws -> MonitoredModel? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM monitored_models WHERE id = \(bind: id)").first().map(Self.monitoredModel(from:))
        }
    }

    public func monitoredModel(workspaceID: String, partnerModelID: String) async throws -> MonitoredModel? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM monitored_models WHERE workspace_id = \(bind: workspaceID) AND partner_model_id = \(bind: partnerModelID)
                """).first().map(Self.monitoredModel(from:))
        }
    }

    public func monitoredModels(workspaceID: String) async throws -> [MonitoredModel] {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM monitored_models WHERE workspace_id = \(bind: workspaceID) ORDER BY created_at, id
                """).all().map(Self.monitoredModel(from:))
        }
    }

    public func deleteMonitoredModel(id: String) async throws {
        try await sqlTransaction { db in
            try await db.raw("DELETE FROM inference_records WHERE deployment_id = \(bind: id)").run()
            try await db.raw("DELETE FROM monitoring_batches WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM reference_rows WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM reference_data_sets WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM capture_ingestions WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM capture_bindings WHERE model_id = \(bind: id)").run()
            try await db.raw("DELETE FROM monitored_models WHERE id = \(bind: id)").run()
        }
    }

    public func existingExternalIDs(deploymentID: String, among externalIDs: [String]) async throws -> Set<String> {
        guard !externalIDs.isEmpty else { return [] }
        return try await withDatabase { db in
            var found: Set<String> = []
            for start in stride(from: 0, to: externalIDs.count, by: 500) {
                let chunk = Array(externalIDs[start..<min(start + 500, externalIDs.count)])
                let rows = try await db.select().column("external_id").from("inference_records")
                    .where("deployment_id", .equal, deploymentID).where("is_shadow", .equal, 0)
                    .where("external_id", .in, chunk).all()
                for row in rows { found.insert(try row.string("external_id")) }
            }
            return found
        }
    }

    public func attachGroundTruth(deploymentID: String, _ updates: [GroundTruthUpdate]) async throws -> Set<String> {
        guard !updates.isEmpty else { return [] }
        let existing = try await existingExternalIDs(deploymentID: deploymentID, among: updates.map(\.externalID))
        let matching = updates.filter { existing.contains($0.externalID) }
        guard !matching.isEmpty else { return [] }
        try await sqlTransaction { db in
            for update in matching {
                try await db.raw("""
                    UPDATE inference_records SET ground_truth_json = \(bind: Self.featuresJSON(update.values)),
                        ground_truth_time = \(bind: update.time.timeIntervalSince1970)
                    WHERE deployment_id = \(bind: deploymentID) AND external_id = \(bind: update.externalID) AND is_shadow = 0
                    """).run()
            }
        }
        return Set(matching.map(\.externalID))
    }

    public func countBatchRecords(modelID: String, _ counts: [String: Int], at time: Date) async throws {
        guard !counts.isEmpty else { return }
        try await sqlTransaction { db in
            for (batchID, count) in counts.sorted(by: { $0.key < $1.key }) {
                try await db.raw("""
                    INSERT INTO monitoring_batches (model_id, batch_id, status, stored_count, declared_count, created_at, updated_at)
                    VALUES (\(bind: modelID), \(bind: batchID), \(bind: MonitoringBatch.Status.started.rawValue), \(bind: count), NULL,
                        \(bind: time.timeIntervalSince1970), \(bind: time.timeIntervalSince1970))
                    ON CONFLICT (model_id, batch_id) DO UPDATE SET stored_count = monitoring_batches.stored_count + excluded.stored_count,
                        updated_at = excluded.updated_at
                    """).run()
            }
        }
    }

    public func closeMonitoringBatch(modelID: String, batchID: String, declaredCount: Int?, at time: Date) async throws -> MonitoringBatch {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO monitoring_batches (model_id, batch_id, status, stored_count, declared_count, created_at, updated_at)
                VALUES (\(bind: modelID), \(bind: batchID), \(bind: MonitoringBatch.Status.uploaded.rawValue), 0, \(bind: declaredCount),
                    \(bind: time.timeIntervalSince1970), \(bind: time.timeIntervalSince1970))
                ON CONFLICT (model_id, batch_id) DO UPDATE SET status = excluded.status, declared_count = excluded.declared_count,
                    updated_at = excluded.updated_at
                """).run()
            let row = try await db.raw("""
                SELECT * FROM monitoring_batches WHERE model_id = \(bind: modelID) AND batch_id = \(bind: batchID)
                """).first()
            guard let row else { throw SlipwayError.internal("the batch was not stored") }
            return try Self.monitoringBatch(from: row)
        }
    }

    public func monitoringBatch(modelID: String, batchID: String) async throws -> MonitoringBatch? {
        try await withDatabase { db in
            try await db.raw("""
                SELECT * FROM monitoring_batches WHERE model_id = \(bind: modelID) AND batch_id = \(bind: batchID)
                """).first().map(Self.monitoringBatch(from:))
        }
    }

    public func appendReferenceRows(modelID: String, _ rows: [[String: FeatureValue]], at time: Date) async throws {
        guard !rows.isEmpty else { return }
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO reference_data_sets (model_id, status, stored_count, declared_count, created_at, updated_at)
                VALUES (\(bind: modelID), \(bind: ReferenceDataSet.Status.started.rawValue), 0, NULL, \(bind: time.timeIntervalSince1970),
                    \(bind: time.timeIntervalSince1970))
                ON CONFLICT (model_id) DO NOTHING
                """).run()
            guard let current = try await db.raw("SELECT stored_count FROM reference_data_sets WHERE model_id = \(bind: modelID)").first() else {
                throw SlipwayError.internal("the reference data set was not stored")
            }
            let first = try current.int("stored_count")
            for start in stride(from: 0, to: rows.count, by: 200) {
                var insert = db.insert(into: "reference_rows").columns("model_id", "row_number", "values_json")
                for (offset, row) in rows[start..<min(start + 200, rows.count)].enumerated() {
                    insert = insert.values(SQLBind(modelID), SQLBind(first + start + offset), SQLBind(Self.featuresJSON(row)))
                }
                try await insert.run()
            }
            try await db.raw("""
                UPDATE reference_data_sets SET stored_count = \(bind: first + rows.count), updated_at = \(bind: time.timeIntervalSince1970)
                WHERE model_id = \(bind: modelID)
                """).run()
        }
    }

    public func closeReferenceData(modelID: String, declaredCount: Int?, at time: Date) async throws -> ReferenceDataSet {
        try await sqlTransaction { db in
            try await db.raw("""
                INSERT INTO reference_data_sets (model_id, status, stored_count, declared_count, created_at, updated_at)
                VALUES (\(bind: modelID), \(bind: ReferenceDataSet.Status.uploaded.rawValue), 0, \(bind: declaredCount),
                    \(bind: time.timeIntervalSince1970), \(bind: time.timeIntervalSince1970))
                ON CONFLICT (model_id) DO UPDATE SET status = excluded.status, declared_count = excluded.declared_count,
                    updated_at = excluded.updated_at
                """).run()
            guard let row = try await db.raw("SELECT * FROM reference_data_sets WHERE model_id = \(bind: modelID)").first() else {
                throw SlipwayError.internal("the reference data set was not stored")
            }
            return try Self.referenceDataSet(from: row)
        }
    }

    public func referenceDataSet(modelID: String) async throws -> ReferenceDataSet? {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM reference_data_sets WHERE model_id = \(bind: modelID)").first()
                .map(Self.referenceDataSet(from:))
        }
    }

    public func referenceRows(modelID: String) async throws -> [[String: FeatureValue]] {
        try await withDatabase { db in
            try await db.raw("SELECT values_json FROM reference_rows WHERE model_id = \(bind: modelID) ORDER BY row_number")
                .all().map { try Self.features(try $0.string("values_json")) }
        }
    }

    static func monitoredModel(from row: any SQLRow) throws -> MonitoredModel {
        MonitoredModel(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), partnerModelID: try row.string("partner_model_id"),
            displayName: try row.string("display_name"), description: try row.optionalString("description"),
            inputKind: MonitoredModel.InputKind(rawValue: try row.string("input_kind")) ?? .tabular,
            outputKind: MonitoredModel.OutputKind(rawValue: try row.string("output_kind")) ?? .regression,
            isBatch: try row.bool("is_batch"), status: MonitoredModel.Status(rawValue: try row.string("status")) ?? .failed,
            attributes: try row.json("attributes_json", as: [MonitoredAttribute].self),
            createdBy: try row.string("created_by"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func monitoringBatch(from row: any SQLRow) throws -> MonitoringBatch {
        MonitoringBatch(
            modelID: try row.string("model_id"), batchID: try row.string("batch_id"),
            status: MonitoringBatch.Status(rawValue: try row.string("status")) ?? .started,
            storedRecordCount: try row.int("stored_count"), declaredRecordCount: try row.decode(column: "declared_count", as: Int?.self),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func referenceDataSet(from row: any SQLRow) throws -> ReferenceDataSet {
        ReferenceDataSet(
            modelID: try row.string("model_id"), status: ReferenceDataSet.Status(rawValue: try row.string("status")) ?? .started,
            storedRecordCount: try row.int("stored_count"), declaredRecordCount: try row.decode(column: "declared_count", as: Int?.self),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
