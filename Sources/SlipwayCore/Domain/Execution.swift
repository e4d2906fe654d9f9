import Foundation

/// Execution status. `failed`: the function raised, timed out or returned invalid outputs;
/// `error`: the platform could not run it.
public enum ExecutionStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case running
    case succeeded
    case skipped
    case failed
    case error

    public var isFinal: Bool {
        switch self {
        case .pending, .running: false
        case .succeeded, .skipped, .failed, .error: true
        }
    }
}

/// What started an execution.
public enum ExecutionTrigger: String, Sendable, Codable {
    case run
    case endpoint
    case periodic
    /// A file arrived: a step of a file pipeline's workflow.
    case fileArrival = "file_arrival"
}

/// One run of a pipeline.
public struct Execution: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var pipelineID: String
    public var pipelineName: String
    public var stepID: String
    public var deploymentName: String?
    public var trigger: ExecutionTrigger
    public var status: ExecutionStatus
    public var createdAt: Date
    public var createdBy: String
    public var startedAt: Date?
    public var endedAt: Date?
    /// Why the execution failed, in words the user can act on.
    public var failureMessage: String?

    public init(id: String, workspaceID: String, pipelineID: String, pipelineName: String, stepID: String,
                deploymentName: String?, trigger: ExecutionTrigger, status: ExecutionStatus, createdAt: Date,
                createdBy: String, startedAt: Date? = nil, endedAt: Date? = nil, failureMessage: String? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.pipelineID = pipelineID
        self.pipelineName = pipelineName
        self.stepID = stepID
        self.deploymentName = deploymentName
        self.trigger = trigger
        self.status = status
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.failureMessage = failureMessage
    }

    /// A new execution id, `<pipeline>-<time><random>`: ten base-36 digits of the creation time in
    /// microseconds, then six random ones. Ids of one pipeline sort in creation order, so the
    /// store appends them to its indexes instead of writing all over them (random ids made every
    /// batch of a busy endpoint rewrite pages across the whole index), and the random part keeps
    /// executions created in the same microsecond distinct (one in two billion to collide, where
    /// eight random digits alone gave even odds after about two million executions of a pipeline).
    public static func makeID(pipelineName: String, at time: Date) -> String {
        let micros = UInt64(max(0, time.timeIntervalSince1970 * 1_000_000))
        var digits = String(micros, radix: 36)
        if digits.count < 10 { digits = String(repeating: "0", count: 10 - digits.count) + digits }
        return "\(pipelineName)-\(digits)\(SecretTokens.shortID(length: 6))"
    }
}

/// An input of an execution as resolved at creation time.
public struct ExecutionInput: Sendable, Equatable {
    public var name: String
    public var dataType: IODataType
    /// Where the value came from (a data-store source holds the path that was read).
    public var source: InputSource
    /// The value passed to the function; for files, `{"path": …}` is built at run time.
    public var value: JSONValue?
    /// Blob holding the file content for file inputs.
    public var fileBlob: String?
    public var fileName: String?

    public init(name: String, dataType: IODataType, source: InputSource, value: JSONValue?, fileBlob: String? = nil,
                fileName: String? = nil) {
        self.name = name
        self.dataType = dataType
        self.source = source
        self.value = value
        self.fileBlob = fileBlob
        self.fileName = fileName
    }
}

/// An output of an execution: its destination, then its value once produced.
public struct ExecutionOutput: Sendable, Equatable {
    public var name: String
    public var dataType: IODataType
    /// Where the value goes (a data-store destination holds the path once the execution filled in
    /// its placeholders).
    public var destination: OutputDestination
    public var value: JSONValue?
    public var fileBlob: String?
    public var fileName: String?

    public init(name: String, dataType: IODataType, destination: OutputDestination, value: JSONValue? = nil,
                fileBlob: String? = nil, fileName: String? = nil) {
        self.name = name
        self.dataType = dataType
        self.destination = destination
        self.value = value
        self.fileBlob = fileBlob
        self.fileName = fileName
    }
}

/// A captured line of output.
public struct LogLine: Sendable, Equatable {
    public enum Stream: String, Sendable, Codable {
        case stdout, stderr, system
    }

    public var timestamp: Date
    public var stream: Stream
    public var message: String

    public init(timestamp: Date, stream: Stream, message: String) {
        self.timestamp = timestamp
        self.stream = stream
        self.message = message
    }
}

/// The subjects logs are attached to.
public enum LogSubject: Sendable, Equatable, Hashable {
    case execution(String)
    case step(String)
    case deployment(String)
    /// The build of a code package.
    case codePackage(String)
    /// One run of a job's program.
    case jobRun(String)

    public var type: String {
        switch self {
        case .execution: "execution"
        case .step: "step"
        case .deployment: "deployment"
        case .codePackage: "code_package"
        case .jobRun: "job_run"
        }
    }

    public var id: String {
        switch self {
        case .execution(let id), .step(let id), .deployment(let id), .codePackage(let id), .jobRun(let id): id
        }
    }
}

/// A window over stored logs.
public struct LogQuery: Sendable, Equatable {
    public var from: Date?
    public var to: Date?
    public var limit: Int?

    public init(from: Date? = nil, to: Date? = nil, limit: Int? = nil) {
        self.from = from
        self.to = to
        self.limit = limit
    }
}
