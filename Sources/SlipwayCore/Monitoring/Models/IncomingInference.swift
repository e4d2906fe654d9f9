import Foundation

/// One inference as a sender hands it over, before it is checked against the model: its own
/// id, when it happened, its values by attribute name (inputs, other data and predictions
/// together), and optionally its ground truth.
public struct IncomingInference: Sendable, Equatable {
    /// The sender's id of the inference; required (ground truth is joined on it).
    public var externalID: String?
    public var time: Date?
    public var values: [String: FeatureValue]
    public var batchID: String?
    public var groundTruth: [String: FeatureValue]?
    public var groundTruthTime: Date?

    public init(externalID: String?, time: Date?, values: [String: FeatureValue], batchID: String? = nil,
                groundTruth: [String: FeatureValue]? = nil, groundTruthTime: Date? = nil) {
        self.externalID = externalID
        self.time = time
        self.values = values
        self.batchID = batchID
        self.groundTruth = groundTruth
        self.groundTruthTime = groundTruthTime
    }
}
