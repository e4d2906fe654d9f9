import Foundation

/// One tracked run: a training run logged by a tracking client, or an execution shown as one
/// (`source == .execution`, read-only). Metrics hold the latest value of each key.
public struct TrackedRun: Sendable, Equatable {
    /// Where a run comes from.
    public enum Source: String, Sendable, Equatable {
        /// Logged through the tracking API.
        case tracking
        /// A pipeline execution, read through (never stored twice).
        case execution
    }

    public var id: String
    public var workspaceID: String
    public var experimentID: String
    public var name: String
    public var userID: String
    public var status: TrackedRunStatus
    public var startTime: Int64
    public var endTime: Int64?
    public var lifecycle: TrackingLifecycle
    public var source: Source
    public var params: [String: String]
    public var tags: [String: String]
    /// The latest point of each metric key.
    public var metrics: [RunMetric]
    public var inputs: [RunDatasetInput]

    /// The run's artifact folder under the workspace's artifact root.
    public var artifactPath: String { "\(experimentID)/\(id)/artifacts" }

    public init(id: String, workspaceID: String, experimentID: String, name: String, userID: String,
                status: TrackedRunStatus, startTime: Int64, endTime: Int64?, lifecycle: TrackingLifecycle = .active,
                source: Source = .tracking, params: [String: String] = [:], tags: [String: String] = [:],
                metrics: [RunMetric] = [], inputs: [RunDatasetInput] = []) {
        self.id = id
        self.workspaceID = workspaceID
        self.experimentID = experimentID
        self.name = name
        self.userID = userID
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
        self.lifecycle = lifecycle
        self.source = source
        self.params = params
        self.tags = tags
        self.metrics = metrics
        self.inputs = inputs
    }
}
