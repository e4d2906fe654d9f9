import Foundation

/// One named value a monitored model's inferences carry: a model input, other data sent along,
/// a prediction, or a ground truth, with the type every value must have.
public struct MonitoredAttribute: Sendable, Equatable, Codable {
    public enum ValueType: String, Sendable, Codable, CaseIterable {
        case string, integer, float, boolean, timestamp, image, boundingBox, unstructuredText, json
    }

    /// Where the value comes from. Inputs and other data are the record's inputs, predictions
    /// its outputs, ground truths its ground truth.
    public enum Stage: String, Sendable, Codable, CaseIterable {
        case modelInput, nonInputData, predictedValue, groundTruth, groundTruthClass

        /// The side of an inference record the stage's values are stored on.
        public var side: InferenceBatch.Side {
            switch self {
            case .modelInput, .nonInputData: .input
            case .predictedValue: .output
            case .groundTruth, .groundTruthClass: .groundTruth
            }
        }
    }

    public var name: String
    public var valueType: ValueType
    public var stage: Stage
    /// Order within the model (CSV columns and positional lists follow it, per stage).
    public var position: Int
    public var isCategorical: Bool
    /// The known categories of a categorical attribute (informative: other values are kept).
    public var categories: [String]
    /// A prediction's ground-truth attribute, or a ground truth's prediction.
    public var linkedAttribute: String?
    public var isUnique: Bool

    public static let maximumNameBytes = InferenceRecord.maximumFeatureNameBytes

    public init(name: String, valueType: ValueType, stage: Stage, position: Int, isCategorical: Bool = false,
                categories: [String] = [], linkedAttribute: String? = nil, isUnique: Bool = false) {
        self.name = name
        self.valueType = valueType
        self.stage = stage
        self.position = position
        self.isCategorical = isCategorical
        self.categories = categories
        self.linkedAttribute = linkedAttribute
        self.isUnique = isUnique
    }
}
