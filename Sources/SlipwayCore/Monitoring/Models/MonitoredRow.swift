import Foundation

/// One row of a monitored model's data, whether a recorded inference or a reference row: its
/// values by attribute name (inputs, predictions and ground truth together) and, for an
/// inference, its id, time, batch and ground-truth time.
public struct MonitoredRow: Sendable, Equatable {
    public var values: [String: FeatureValue]
    public var externalID: String?
    public var time: Date?
    public var batchID: String?
    public var groundTruthTime: Date?

    public init(values: [String: FeatureValue], externalID: String? = nil, time: Date? = nil, batchID: String? = nil,
                groundTruthTime: Date? = nil) {
        self.values = values
        self.externalID = externalID
        self.time = time
        self.batchID = batchID
        self.groundTruthTime = groundTruthTime
    }

    public init(_ record: InferenceRecord) {
        var values = record.inputs
        for (name, value) in record.outputs { values[name] = value }
        for (name, value) in record.groundTruth ?? [:] { values[name] = value }
        self.init(values: values, externalID: record.externalID, time: record.time, batchID: record.batchID,
                  groundTruthTime: record.groundTruthTime)
    }
}
