import Foundation

/// Sizes and times that bound what callers can ask for. All configurable.
public struct Limits: Sendable, Equatable {
    /// Largest accepted step archive (compressed), default 5 MB.
    public var maxStepArchiveBytes: Int
    /// Largest unpacked step code, default 50 MB.
    public var maxStepUnpackedBytes: Int
    /// Cumulative size of non-file inputs (and, separately, outputs) of one execution, default 1 MiB.
    public var maxIOBytes: Int
    /// Largest file input uploaded with a run, default 1 GiB.
    public var maxFileInputBytes: Int64
    /// Largest data-store object uploaded in one request, default 5 GiB.
    public var maxObjectBytes: Int64
    /// Default per-execution timeout.
    public var executionTimeout: Duration
    /// Longest a `wait_for_completion` request is held.
    public var longPollHold: Duration
    /// Executions that may wait for a low-latency deployment's worker; more get 429.
    public var maxQueuedExecutions: Int
    /// Largest body of a public endpoint call (JSON or multipart), default 1 GiB + 1 MiB.
    public var maxEndpointBodyBytes: Int64
    /// Elastic worker processes running at once (each execution of an elastic deployment or a
    /// direct pipeline run is one); further executions wait for a slot. Default: 4 per core, at least 4.
    public var maxElasticProcesses: Int
    /// Largest model artifact (default 2 GiB).
    /// Pre-started interpreters kept for elastic executions, across environments (0: none;
    /// every elastic execution then starts its own).
    public var elasticStandbyWorkers: Int = min(8, 2 * ProcessInfo.processInfo.activeProcessorCount)
    public var maxModelBytes: Int64 = 2 << 30
    /// Largest inference request body (default 64 MiB).
    public var maxInferenceBodyBytes: Int = 64 << 20
    /// Largest stored inference record (its JSON inputs and outputs); larger ones are stored
    /// without their largest features (default 1 MiB).
    public var maxInferenceRecordBytes: Int = 1 << 20
    /// How often autoscaled deployments look at how busy their replicas were.
    public var autoscaleInterval: Duration = .seconds(5)
    /// Largest file of inferences, ground truth or reference data sent to a monitored model in
    /// one upload (a capture file, a Parquet or JSON file), default 256 MiB.
    public var maxMonitoringFileBytes: Int = 256 << 20
    /// Rows in one model call at most.
    public var maxInferenceBatchRows: Int = 4096
    /// Largest code package archive (a ZIP), default 50 MiB.
    public var maxCodePackageBytes: Int = 50 << 20

    public static var defaultMaxElasticProcesses: Int { max(4, 4 * ProcessInfo.processInfo.activeProcessorCount) }

    public init(maxStepArchiveBytes: Int = 5_000_000, maxStepUnpackedBytes: Int = 50_000_000,
                maxIOBytes: Int = 1 << 20, maxFileInputBytes: Int64 = 1 << 30, maxObjectBytes: Int64 = 5 << 30,
                executionTimeout: Duration = .seconds(3600), longPollHold: Duration = .seconds(30),
                maxQueuedExecutions: Int = 512, maxElasticProcesses: Int = Limits.defaultMaxElasticProcesses) {
        self.maxStepArchiveBytes = maxStepArchiveBytes
        self.maxStepUnpackedBytes = maxStepUnpackedBytes
        self.maxIOBytes = maxIOBytes
        self.maxFileInputBytes = maxFileInputBytes
        self.maxObjectBytes = maxObjectBytes
        self.executionTimeout = executionTimeout
        self.longPollHold = longPollHold
        self.maxQueuedExecutions = maxQueuedExecutions
        self.maxEndpointBodyBytes = maxFileInputBytes + (1 << 20)
        self.maxElasticProcesses = max(1, maxElasticProcesses)
    }
}
