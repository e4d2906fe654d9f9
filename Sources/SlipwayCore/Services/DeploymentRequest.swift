import Foundation

/// A request to put a pipeline into service, as a dialect decoded it.
public struct DeploymentRequest: Sendable {
    public var pipelineName: String
    public var name: String
    public var rule: ExecutionRule
    public var mode: DeploymentMode
    public var description: String?
    public var parallelExecutions: Bool?
    public var maxParallelExecutions: Int?
    public var ramRequestBytes: Int64?
    public var gpuRequest: Int?
    public var executionTimeoutSeconds: Int?
    public var schedule: String?
    public var endpointPath: String?
    public var endpointToken: String?
    /// Endpoint only: keep every successful endpoint execution as an inference record (default off).
    public var recordInferences: Bool?
    public var inputsMapping: [InputMapping]
    public var outputsMapping: [OutputMapping]

    /// Default of `max_parallel_executions_per_pod`.
    public static let defaultMaxParallel = 6
    public static let maxParallelLimit = 256

    public init(pipelineName: String, name: String, rule: ExecutionRule, mode: DeploymentMode, description: String? = nil,
                parallelExecutions: Bool? = nil, maxParallelExecutions: Int? = nil, ramRequestBytes: Int64? = nil,
                gpuRequest: Int? = nil, executionTimeoutSeconds: Int? = nil, schedule: String? = nil,
                endpointPath: String? = nil, endpointToken: String? = nil, recordInferences: Bool? = nil,
                inputsMapping: [InputMapping] = [], outputsMapping: [OutputMapping] = []) {
        self.pipelineName = pipelineName
        self.name = name
        self.rule = rule
        self.mode = mode
        self.description = description
        self.parallelExecutions = parallelExecutions
        self.maxParallelExecutions = maxParallelExecutions
        self.ramRequestBytes = ramRequestBytes
        self.gpuRequest = gpuRequest
        self.executionTimeoutSeconds = executionTimeoutSeconds
        self.schedule = schedule
        self.endpointPath = endpointPath
        self.endpointToken = endpointToken
        self.recordInferences = recordInferences
        self.inputsMapping = inputsMapping
        self.outputsMapping = outputsMapping
    }
}

/// What a change of a deployment sets; nil fields stay as they are. No change at all reloads a
/// low-latency deployment's worker; a change of `recordInferences` alone does not.
public struct DeploymentChanges: Sendable, Equatable {
    public var isEnabled: Bool?
    public var schedule: String?
    /// Replaces the mappings of the inputs it names.
    public var inputsMapping: [InputMapping]?
    /// Replaces the mappings of the outputs it names.
    public var outputsMapping: [OutputMapping]?
    /// Endpoint only: starts or stops keeping endpoint executions as inference records.
    public var recordInferences: Bool?

    public init(isEnabled: Bool? = nil, schedule: String? = nil, inputsMapping: [InputMapping]? = nil,
                outputsMapping: [OutputMapping]? = nil, recordInferences: Bool? = nil) {
        self.isEnabled = isEnabled
        self.schedule = schedule
        self.inputsMapping = inputsMapping
        self.outputsMapping = outputsMapping
        self.recordInferences = recordInferences
    }
}
