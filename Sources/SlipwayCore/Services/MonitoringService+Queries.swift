import Foundation

extension MonitoringService {
    /// Where a query reads.
    public enum RowSource: String, Sendable {
        /// Recorded inferences, oldest first.
        case inferences
        /// The reference data set, in upload order.
        case reference
    }

    /// Most rows a query reads before answering (a larger selection is refused with a 413).
    public static let maximumScannedRows = 2_000_000

    /// The rows of `source` that match `filter`, in order.
    public func rows(of model: MonitoredModel, from source: RowSource, matching filter: MonitoredRecordFilter) async throws -> [MonitoredRow] {
        try filter.validate(for: model)
        switch source {
        case .reference:
            return try await store.referenceRows(modelID: model.id).map { MonitoredRow(values: $0) }.filter {
                filter.matches(values: $0.values, time: nil, externalID: nil, batchID: nil)
            }
        case .inferences:
            let window = filter.timeWindow
            var query = InferenceRecordQuery(workspaceID: model.workspaceID, deploymentID: model.id, start: window.start,
                                             end: window.end, order: .oldestFirst, limit: InferenceRecordQuery.maximumLimit)
            var rows: [MonitoredRow] = []
            var scanned = 0
            while true {
                let page = try await store.inferenceRecords(query)
                scanned += page.records.count
                guard scanned <= Self.maximumScannedRows else {
                    throw SlipwayError.tooLarge("the query reads more than \(Self.maximumScannedRows) inferences: narrow its time window")
                }
                for record in page.records {
                    let row = MonitoredRow(record)
                    if filter.matches(values: row.values, time: row.time, externalID: row.externalID, batchID: row.batchID) {
                        rows.append(row)
                    }
                }
                guard let cursor = page.nextCursor else { return rows }
                query.cursor = cursor
            }
        }
    }

    /// The recorded inference with this id.
    public func row(of model: MonitoredModel, externalID: String) async throws -> MonitoredRow {
        let rows = try await self.rows(of: model, from: .inferences,
                                  matching: MonitoredRecordFilter([.init(.externalID, .equal, .string(externalID))]))
        guard let row = rows.first else { throw SlipwayError.notFound("inference", NameRules.printable(externalID)) }
        return row
    }
}
