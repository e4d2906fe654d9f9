import Foundation

/// One historical inference to load into a pipeline's records: when it happened and what went
/// in and came out (the model and pipeline come with the import).
public struct ImportedInference: Sendable, Equatable {
    public var time: Date
    public var inputs: [String: FeatureValue]
    public var outputs: [String: FeatureValue]

    public init(time: Date, inputs: [String: FeatureValue], outputs: [String: FeatureValue]) {
        self.time = time
        self.inputs = inputs
        self.outputs = outputs
    }
}
