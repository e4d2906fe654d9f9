import Foundation

/// What a low-latency deployment's resident worker runs and how.
public struct ResidentWorkerSpec: Sendable {
    public var deploymentID: String
    public var deploymentName: String
    public var generation: Int
    public var pythonExecutable: String
    public var codeDirectory: URL
    public var functionPath: String
    public var functionName: String
    /// Executions the worker runs at once (threads or asyncio tasks when above 1).
    public var concurrency: Int
    /// Executions that may wait for a free slot; more are refused.
    public var queueLimit: Int
    public var memoryLimitBytes: Int64?
    public var executionTimeout: Duration
    /// Process environment (API URLs, the deployment-scoped token, environment variables).
    public var environment: [String: String]

    public init(deploymentID: String, deploymentName: String, generation: Int, pythonExecutable: String,
                codeDirectory: URL, functionPath: String, functionName: String, concurrency: Int, queueLimit: Int,
                memoryLimitBytes: Int64?, executionTimeout: Duration, environment: [String: String]) {
        self.deploymentID = deploymentID
        self.deploymentName = deploymentName
        self.generation = generation
        self.pythonExecutable = pythonExecutable
        self.codeDirectory = codeDirectory
        self.functionPath = functionPath
        self.functionName = functionName
        self.concurrency = concurrency
        self.queueLimit = queueLimit
        self.memoryLimitBytes = memoryLimitBytes
        self.executionTimeout = executionTimeout
        self.environment = environment
    }
}

/// What a resident worker tells its deployment.
public enum ResidentWorkerReport: Sendable, Equatable {
    /// A status event for the deployment's state machine, with the line for its logs.
    case status(DeploymentStateMachine.Event, LogLine)
    /// Output not tied to an execution (module import, worker diagnostics).
    case log(LogLine)
}

/// A reserved place for one execution at a resident worker.
public struct ResidentTicket: Sendable, Hashable {
    public var deploymentID: String
    public var number: UInt64
    /// A slot was free: the execution starts at once rather than waiting in the queue.
    public var startsNow: Bool
    /// The worker that issued the ticket (one deployment has several while a reload drains
    /// the previous one).
    public var worker: UInt64

    public init(deploymentID: String, number: UInt64, startsNow: Bool = false, worker: UInt64 = 0) {
        self.deploymentID = deploymentID
        self.number = number
        self.startsNow = startsNow
        self.worker = worker
    }
}

/// One execution for a resident worker: the process already has its code and environment.
public struct ResidentJob: Sendable {
    public var executionID: String
    /// Arguments; file inputs are given separately and added as `{"path": …}`.
    public var arguments: [String: JSONValue]
    public var fileArguments: [String: WorkerJob.FileArgument]
    public var timeout: Duration
    public var fileOutputs: FileOutputRequest?

    public init(executionID: String, arguments: [String: JSONValue], fileArguments: [String: WorkerJob.FileArgument],
                timeout: Duration, fileOutputs: FileOutputRequest? = nil) {
        self.executionID = executionID
        self.arguments = arguments
        self.fileArguments = fileArguments
        self.timeout = timeout
        self.fileOutputs = fileOutputs
    }
}

public enum ResidentAdmission: Sendable, Equatable {
    case admitted(ResidentTicket)
    /// Every slot is busy and the queue is full.
    case queueFull(limit: Int)
    /// The deployment has no worker (stopped, disabled or failed).
    case notRunning
}

/// A process the platform runs, for resource metrics.
public struct WorkerProcess: Sendable, Equatable {
    public var name: String
    public var pid: Int32

    public init(name: String, pid: Int32) {
        self.name = name
        self.pid = pid
    }
}

/// Resident workers of low-latency deployments: one per deployment, started ahead of executions,
/// replaced when it dies.
public protocol ResidentWorkerPool: Sendable {
    /// Starts the worker of a deployment, replacing (after draining) any previous one.
    func start(_ spec: ResidentWorkerSpec, report: @escaping @Sendable (ResidentWorkerReport) async -> Void) async
    /// Stops the deployment's workers: running executions may finish within the grace period
    /// (then the process is killed and they fail), queued ones fail at once.
    func stop(deploymentID: String) async
    /// Reserves a place (running or queued) for one execution, before anything is recorded.
    func admit(deploymentID: String) -> ResidentAdmission
    /// Sends the job in the reserved place (once a slot is free) and returns at once;
    /// `completion` gets the outcome on the thread that delivers it and must not block.
    func submit(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                completion: @escaping @Sendable (WorkerOutcome) -> Void)
    /// Runs the job in the reserved place; waits in the queue when needed.
    func run(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome
    /// Gives a reserved place back unused (no-op once the job ran).
    func release(_ ticket: ResidentTicket)
    func pods(deploymentID: String) async -> [PodInfo]
    /// Live worker processes (resident and elastic), for resource sampling.
    func processes() async -> [WorkerProcess]
}
