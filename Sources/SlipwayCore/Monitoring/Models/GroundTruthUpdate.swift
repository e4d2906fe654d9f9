import Foundation

/// The right answer for an inference already recorded, found by the sender's inference id.
public struct GroundTruthUpdate: Sendable, Equatable {
    public var externalID: String
    public var values: [String: FeatureValue]
    public var time: Date

    public init(externalID: String, values: [String: FeatureValue], time: Date) {
        self.externalID = externalID
        self.values = values
        self.time = time
    }
}
