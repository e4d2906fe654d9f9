import Foundation

/// Which feature values to read: one feature of one pipeline's (non-shadow) records in the
/// half-open window `[start, end)`, optionally only those produced by some model versions.
public struct InferenceSeriesQuery: Sendable, Equatable {
    public var workspaceID: String
    public var pipelineID: String
    public var feature: InferenceFeature
    public var start: Date
    public var end: Date
    /// Only records served by one of these model versions; nil = every record.
    public var modelVersionIDs: [String]?

    public init(workspaceID: String, pipelineID: String, feature: InferenceFeature, start: Date, end: Date,
                modelVersionIDs: [String]? = nil) {
        self.workspaceID = workspaceID
        self.pipelineID = pipelineID
        self.feature = feature
        self.start = start
        self.end = end
        self.modelVersionIDs = modelVersionIDs
    }

    /// The series of `records` this query selects, oldest first: the reference every store matches.
    public func series(of records: [InferenceRecord]) -> InferenceSeries {
        let start = start.timeIntervalSince1970, end = end.timeIntervalSince1970
        var points: [(Double, Double)] = []
        for record in records where record.workspaceID == workspaceID && record.pipelineID == pipelineID && !record.isShadow {
            let time = record.time.timeIntervalSince1970
            guard time >= start, time < end else { continue }
            if let versions = modelVersionIDs, !versions.contains(record.modelVersionID ?? "") { continue }
            if let value = feature.value(in: record) { points.append((time, value)) }
        }
        points.sort { $0.0 < $1.0 }
        return InferenceSeries(times: points.map(\.0), values: points.map(\.1))
    }
}
