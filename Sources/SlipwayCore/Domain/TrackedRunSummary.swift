import Foundation

/// What services other than tracking read of one tracked run (a training run logged by a
/// tracking client, or an execution shown as one): who, when, its parameters, the last value
/// of each metric, its tags, and where its artifacts are.
public struct TrackedRunSummary: Sendable, Equatable {
    public var runID: String
    public var experimentID: String
    public var experimentName: String
    public var name: String
    /// `RUNNING`, `SCHEDULED`, `FINISHED`, `FAILED` or `KILLED`.
    public var status: String
    public var startTime: Date
    public var endTime: Date?
    public var userID: String
    public var params: [String: String]
    /// The latest value of each metric (the one of the highest step, then the latest time).
    public var metrics: [String: Double]
    public var tags: [String: String]
    /// The run's artifact folder under the workspace's artifact root: `<experiment>/<run>/artifacts`.
    public var artifactPath: String

    public init(runID: String, experimentID: String, experimentName: String, name: String, status: String,
                startTime: Date, endTime: Date?, userID: String, params: [String: String], metrics: [String: Double],
                tags: [String: String], artifactPath: String) {
        self.runID = runID
        self.experimentID = experimentID
        self.experimentName = experimentName
        self.name = name
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.userID = userID
        self.params = params
        self.metrics = metrics
        self.tags = tags
        self.artifactPath = artifactPath
    }
}
