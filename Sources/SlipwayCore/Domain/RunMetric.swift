/// One point of a run's metric: value at a step and a time (milliseconds since 1970).
public struct RunMetric: Sendable, Equatable {
    public var key: String
    public var value: Double
    /// Milliseconds since 1970.
    public var timestamp: Int64
    public var step: Int64
    /// The run it belongs to (filled by readers of several runs' histories).
    public var runID: String?
    public var modelID: String?
    public var datasetName: String?
    public var datasetDigest: String?

    public init(key: String, value: Double, timestamp: Int64, step: Int64, runID: String? = nil, modelID: String? = nil,
                datasetName: String? = nil, datasetDigest: String? = nil) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.runID = runID
        self.modelID = modelID
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
    }

    /// Whether `self` replaces `other` as the latest value of its key: the higher step wins,
    /// then the later time, then the larger value (NaN lowest), as tracking servers rank them.
    public func supersedes(_ other: RunMetric) -> Bool {
        if step != other.step { return step > other.step }
        if timestamp != other.timestamp { return timestamp > other.timestamp }
        if value.isNaN { return false }
        if other.value.isNaN { return true }
        return value >= other.value
    }

    public static func == (lhs: RunMetric, rhs: RunMetric) -> Bool {
        lhs.key == rhs.key && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN)) && lhs.timestamp == rhs.timestamp
            && lhs.step == rhs.step && lhs.runID == rhs.runID && lhs.modelID == rhs.modelID
            && lhs.datasetName == rhs.datasetName && lhs.datasetDigest == rhs.datasetDigest
    }
}
