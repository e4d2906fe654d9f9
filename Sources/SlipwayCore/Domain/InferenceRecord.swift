import Foundation

/// One inference served by (or captured for) a deployed pipeline: what went in, what came out,
/// and, once known, what the right answer was.
public struct InferenceRecord: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    public var deploymentID: String
    public var pipelineID: String
    /// The version of the pipeline that served it, when the pipeline is versioned.
    public var pipelineVersionID: String?
    /// The model version that produced the outputs, when one model did.
    public var modelVersionID: String?
    /// True for the result of a shadow model version: recorded for comparison, never returned.
    public var isShadow: Bool
    /// For a shadow result: the id of the record of the inference it shadows (same inputs).
    public var shadowOf: String?
    /// When the inference happened.
    public var time: Date
    /// The caller's own id for this inference, used to attach ground truth later; unique per
    /// deployment when present.
    public var externalID: String?
    public var inputs: [String: FeatureValue]
    public var outputs: [String: FeatureValue]
    public var groundTruth: [String: FeatureValue]?
    public var groundTruthTime: Date?
    /// Time spent serving the inference, when measured.
    public var latency: Duration?
    /// Features left out because the record was over the size limit (inputs first, largest
    /// first, then outputs), by side and name: `in.<name>` / `out.<name>`.
    public var dropped: [String] = []
    /// The sender's batch the record arrived in (batch models of monitored models).
    public var batchID: String?

    public static let maximumFeatureNameBytes = 255
    public static let maximumExternalIDBytes = 255

    public init(id: String, workspaceID: String, deploymentID: String, pipelineID: String, pipelineVersionID: String? = nil,
                modelVersionID: String? = nil, isShadow: Bool = false, shadowOf: String? = nil, time: Date, externalID: String? = nil, inputs: [String: FeatureValue],
                outputs: [String: FeatureValue], groundTruth: [String: FeatureValue]? = nil, groundTruthTime: Date? = nil,
                latency: Duration? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.deploymentID = deploymentID
        self.pipelineID = pipelineID
        self.pipelineVersionID = pipelineVersionID
        self.shadowOf = shadowOf
        self.modelVersionID = modelVersionID
        self.isShadow = isShadow
        self.time = time
        self.externalID = externalID
        self.inputs = inputs
        self.outputs = outputs
        self.groundTruth = groundTruth
        self.groundTruthTime = groundTruthTime
        self.latency = latency
    }

    /// Feature names are 1–255 bytes without control characters; the external id 1–255 bytes
    /// without control characters; the latency is not negative; a ground-truth time only comes
    /// with ground truth; the time is finite.
    public func validate() throws(SlipwayError) {
        guard time.timeIntervalSince1970.isFinite else { throw .badRequest("inference time must be a valid date") }
        for (side, features) in [("input", inputs), ("output", outputs), ("ground truth", groundTruth ?? [:])] {
            for name in features.keys where !NameRules.isPrintableLabel(name, maximumBytes: Self.maximumFeatureNameBytes) {
                throw .badRequest("\(side) feature name '\(NameRules.printable(name))' must be 1 to "
                    + "\(Self.maximumFeatureNameBytes) bytes without control characters")
            }
        }
        if let externalID, !NameRules.isPrintableLabel(externalID, maximumBytes: Self.maximumExternalIDBytes) {
            throw .badRequest("external inference id '\(NameRules.printable(externalID))' must be 1 to "
                + "\(Self.maximumExternalIDBytes) bytes without control characters")
        }
        if let latency, latency < .zero { throw .badRequest("inference latency must not be negative") }
        if shadowOf != nil, !isShadow { throw .badRequest("only a shadow result can name the inference it shadows") }
        if groundTruthTime != nil, groundTruth == nil {
            throw .badRequest("a ground-truth time needs ground-truth values")
        }
    }
}
