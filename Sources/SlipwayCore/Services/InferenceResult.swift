import Foundation

/// What one inference call answered, row by row, and what was recorded for it.
public struct InferenceResult: Sendable {
    public struct Row: Sendable {
        public var inputs: [String: JSONValue]
        public var outputs: [String: JSONValue]
        /// The model version whose outputs these are (the last node's; for an A/B split, the arm
        /// that served the row).
        public var modelVersion: ModelVersion
        public var modelName: String
        /// Outputs of shadow challengers on the same row, by model name (never the answer).
        public var shadowOutputs: [(modelName: String, outputs: [String: JSONValue])]
        /// The stored record of this row.
        public var recordID: String
    }

    public var time: Date
    public var rows: [Row]
    public var deployment: ModelDeployment
    public var pipelineVersionID: String
    /// Nanoseconds spent in the models, then in the whole call before recording.
    public var elapsed: [Int64]
    /// Whether a node of the served version splits traffic between models.
    public var hasSplit: Bool
}
