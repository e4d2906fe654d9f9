import Foundation

/// How a deployment starts executions.
public enum ExecutionRule: String, Sendable, Codable {
    case endpoint
    case periodic
}

/// Where a deployment's executions run.
public enum DeploymentMode: String, Sendable, Codable {
    /// A fresh worker process per execution.
    case elastic
    /// One resident worker per deployment, module imported once, reused by every execution.
    case lowLatency = "low_latency"
}

/// Deployment status. Final ones (`isFinal`) are those a caller waiting for the deployment to
/// settle stops at.
public enum DeploymentStatus: String, Sendable, Codable, CaseIterable {
    /// Being created (a low-latency worker is starting).
    case starting
    /// Serving.
    case ready
    /// Its worker could not start (the code failed to load).
    case failed
    /// Its worker died and a replacement is starting.
    case restarting
    case standby
    case disabled

    public var isFinal: Bool {
        switch self {
        case .ready, .failed, .standby, .disabled: true
        case .starting, .restarting: false
        }
    }
}

/// A pipeline put into service behind an endpoint or a schedule.
public struct Deployment: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var pipelineID: String
    public var pipelineName: String
    public var stepID: String
    public var rule: ExecutionRule
    public var mode: DeploymentMode
    public var description: String?
    public var isEnabled: Bool
    public var status: DeploymentStatus
    /// Endpoint only: the public path under `{ENV}/endpoints/`.
    public var endpointPath: String?
    /// Endpoint only: SHA-256 of the endpoint token, what callers are checked against.
    public var endpointTokenHash: String?
    /// Endpoint only: the token sealed with the server's key (AES-GCM), so that reading the
    /// deployment can show it to users of the workspace; never stored in clear.
    public var endpointTokenSealed: String?
    /// Periodic only: 5-field cron in UTC.
    public var schedule: String?
    /// Complete mapping: one entry per pipeline input / output.
    public var inputsMapping: [InputMapping]
    public var outputsMapping: [OutputMapping]
    public var parallelExecutions: Bool
    public var maxParallelExecutions: Int
    public var ramRequestBytes: Int64?
    public var gpuRequest: Int?
    public var executionTimeoutSeconds: Int?
    /// Endpoint only: every endpoint execution that succeeds is also kept as an inference record
    /// (inputs and outputs as features), for monitoring. Off by default, so that an endpoint pays
    /// nothing for monitoring it does not use.
    public var recordsInferences: Bool
    /// Bumped on every reload of a low-latency deployment.
    public var generation: Int
    /// Periodic only: the last slot claimed for firing (a whole minute), or the moment scheduling
    /// started (created, re-enabled, rescheduled; never a whole minute): no slot up to it fires.
    public var lastScheduledAt: Date?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date
    public var updatedBy: String

    public init(id: String, workspaceID: String, name: String, pipelineID: String, pipelineName: String, stepID: String,
                rule: ExecutionRule, mode: DeploymentMode, description: String? = nil, isEnabled: Bool = true,
                status: DeploymentStatus, endpointPath: String? = nil, endpointTokenHash: String? = nil,
                endpointTokenSealed: String? = nil, schedule: String? = nil, inputsMapping: [InputMapping] = [],
                outputsMapping: [OutputMapping] = [], parallelExecutions: Bool = false, maxParallelExecutions: Int = 1,
                ramRequestBytes: Int64? = nil, gpuRequest: Int? = nil, executionTimeoutSeconds: Int? = nil,
                recordsInferences: Bool = false, generation: Int = 1, lastScheduledAt: Date? = nil, createdAt: Date, createdBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.pipelineID = pipelineID
        self.pipelineName = pipelineName
        self.stepID = stepID
        self.rule = rule
        self.mode = mode
        self.description = description
        self.isEnabled = isEnabled
        self.status = status
        self.endpointPath = endpointPath
        self.endpointTokenHash = endpointTokenHash
        self.endpointTokenSealed = endpointTokenSealed
        self.schedule = schedule
        self.inputsMapping = inputsMapping
        self.outputsMapping = outputsMapping
        self.parallelExecutions = parallelExecutions
        self.maxParallelExecutions = maxParallelExecutions
        self.ramRequestBytes = ramRequestBytes
        self.gpuRequest = gpuRequest
        self.executionTimeoutSeconds = executionTimeoutSeconds
        self.recordsInferences = recordsInferences
        self.generation = generation
        self.lastScheduledAt = lastScheduledAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = createdAt
        self.updatedBy = createdBy
    }

    /// Executions a resident worker runs at once.
    public var workerConcurrency: Int { parallelExecutions ? maxParallelExecutions : 1 }
}

/// A resident worker of a low-latency deployment, as the API shows it.
public struct PodInfo: Sendable, Equatable {
    public var id: String
    public var status: String
    public var pid: Int32?
    public var startedAt: Date?

    public init(id: String, status: String, pid: Int32? = nil, startedAt: Date? = nil) {
        self.id = id
        self.status = status
        self.pid = pid
        self.startedAt = startedAt
    }
}
