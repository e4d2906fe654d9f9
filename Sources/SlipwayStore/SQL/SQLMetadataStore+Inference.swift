import Foundation
import SQLKit
import SlipwayCore

/// `InferenceStore` on SQL: one row per record, features as JSON documents; pages are read in
/// (time, id) order through an index that starts with the pipeline or the deployment.
extension SQLMetadataStore {
    public func appendInferenceRecords(_ records: [InferenceRecord]) async throws {
        guard !records.isEmpty else { return }
        try await sqlTransaction { db in
            for chunk in stride(from: 0, to: records.count, by: 200).map({ records[$0..<min($0 + 200, records.count)] }) {
                var insert = db.insert(into: "inference_records").columns(
                    "id", "workspace_id", "deployment_id", "pipeline_id", "pipeline_version_id", "model_version_id",
                    "is_shadow", "shadow_of", "time", "external_id", "inputs_json", "outputs_json", "ground_truth_json",
                    "ground_truth_time", "latency_us", "dropped_json", "batch_id")
                for r in chunk {
                    insert = insert.values(
                        SQLBind(r.id), SQLBind(r.workspaceID), SQLBind(r.deploymentID), SQLBind(r.pipelineID),
                        SQLBind(r.pipelineVersionID), SQLBind(r.modelVersionID), SQLBind(r.isShadow ? 1 : 0),
                        SQLBind(r.shadowOf), SQLBind(r.time.timeIntervalSince1970), SQLBind(r.externalID),
                        SQLBind(Self.featuresJSON(r.inputs)), SQLBind(Self.featuresJSON(r.outputs)),
                        SQLBind(r.groundTruth.map { encodeJSON($0) }), SQLBind(r.groundTruthTime?.timeIntervalSince1970),
                        SQLBind(r.latency.map { Self.microseconds($0) }),
                        SQLBind(r.dropped.isEmpty ? nil : encodeJSON(JSONValue.array(r.dropped.map(JSONValue.string)))),
                        SQLBind(r.batchID))
                }
                try await insert.run()
            }
            try await InferenceColumns.append(records, to: db)
        }
    }

    public func inferenceSeries(_ query: InferenceSeriesQuery) async throws -> InferenceSeries {
        if query.feature.element < InferenceFeature.maximumColumnElements {
            return try await withDatabase { db in try await InferenceColumns.series(query, in: db) }
        }
        // Elements beyond the columns are read from the records themselves.
        var records: [InferenceRecord] = []
        var page = InferenceRecordQuery(workspaceID: query.workspaceID, pipelineID: query.pipelineID, start: query.start,
                                        end: query.end, order: .oldestFirst, limit: InferenceRecordQuery.maximumLimit)
        while true {
            let result = try await inferenceRecords(page)
            records += result.records
            guard let next = result.nextCursor else { break }
            page.cursor = next
        }
        return query.series(of: records)
    }

    public func inferenceRecords(_ query: InferenceRecordQuery) async throws -> InferenceRecordQuery.Page {
        try await withDatabase { db in
            let ascending = query.order == .oldestFirst
            var select = db.select().column("*").from("inference_records")
                .where("workspace_id", .equal, query.workspaceID)
                .where("is_shadow", .equal, 0)
            if let deploymentID = query.deploymentID { select = select.where("deployment_id", .equal, deploymentID) }
            if let pipelineID = query.pipelineID { select = select.where("pipeline_id", .equal, pipelineID) }
            if let modelVersionID = query.modelVersionID { select = select.where("model_version_id", .equal, modelVersionID) }
            if let start = query.start { select = select.where("time", .greaterThanOrEqual, start.timeIntervalSince1970) }
            if let end = query.end { select = select.where("time", .lessThan, end.timeIntervalSince1970) }
            if let cursor = query.cursor {
                let time = cursor.time.timeIntervalSince1970
                let beyond: SQLBinaryOperator = ascending ? .greaterThan : .lessThan
                // A row-value comparison, so that both databases use the (…, time, id) index as a
                // range; `time > ? OR (time = ? AND id > ?)` made SQLite walk every record before it.
                select = select.where(SQLBinaryExpression(
                    SQLGroupExpression([SQLColumn("time"), SQLColumn("id")]), beyond,
                    SQLGroupExpression([SQLBind(time), SQLBind(cursor.recordID)])))
            }
            let direction: SQLDirection = ascending ? .ascending : .descending
            let rows = try await select.orderBy("time", direction).orderBy("id", direction).limit(query.limit + 1).all()
            var records = try rows.prefix(query.limit).map(Self.inferenceRecord(from:))
            let more = rows.count > query.limit
            records = Array(records)
            return InferenceRecordQuery.Page(records: records, nextCursor: more ? records.last.map(InferenceCursor.init(after:)) : nil)
        }
    }

    public func shadowRecords(of recordIDs: [String]) async throws -> [InferenceRecord] {
        guard !recordIDs.isEmpty else { return [] }
        return try await withDatabase { db in
            var records: [InferenceRecord] = []
            for chunk in stride(from: 0, to: recordIDs.count, by: 500).map({ Array(recordIDs[$0..<min($0 + 500, recordIDs.count)]) }) {
                records += try await db.select().column("*").from("inference_records").where("shadow_of", .in, chunk)
                    .orderBy("id").all().map(Self.inferenceRecord(from:))
            }
            return records
        }
    }

    /// Features as one JSON object, written by Slipway's own JSON writer (JSONEncoder cost more
    /// than the rest of storing a record).
    static func featuresJSON(_ features: [String: FeatureValue]) -> String {
        JSONValue.object(features.mapValues(\.json)).jsonString()
    }

    static func features(_ text: String) throws -> [String: FeatureValue] {
        guard case .object(let object) = try JSONValue.parse(text) else { return [:] }
        return object.mapValues(FeatureValue.init(json:))
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }

    static func inferenceRecord(from row: any SQLRow) throws -> InferenceRecord {
        var record = InferenceRecord(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"),
            deploymentID: try row.string("deployment_id"), pipelineID: try row.string("pipeline_id"),
            pipelineVersionID: try row.optionalString("pipeline_version_id"),
            modelVersionID: try row.optionalString("model_version_id"), isShadow: try row.bool("is_shadow"),
            shadowOf: try row.optionalString("shadow_of"), time: try row.date("time"),
            externalID: try row.optionalString("external_id"),
            inputs: try Self.features(try row.string("inputs_json")),
            outputs: try Self.features(try row.string("outputs_json")),
            groundTruth: try row.optionalJSON("ground_truth_json", as: [String: FeatureValue].self),
            groundTruthTime: try row.optionalDate("ground_truth_time"),
            latency: try row.decode(column: "latency_us", as: Int64?.self).map { .microseconds($0) })
        record.dropped = try row.optionalJSON("dropped_json", as: [String].self) ?? []
        record.batchID = try row.optionalString("batch_id")
        return record
    }
}
