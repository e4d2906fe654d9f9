import Foundation

/// One run of a ``FilePipeline`` for one version of one file, step by step.
public struct FileWorkflow: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case running
        case succeeded
        case failed

        public var isFinal: Bool { self == .succeeded || self == .failed }
    }

    public var id: String
    public var pipelineID: String
    public var workspaceID: String
    public var filePath: String
    /// The stored object's etag when the workflow was created: a new version is a new file.
    public var fileVersion: String
    public var status: Status
    public var steps: [FileWorkflowStep]
    /// Attempts started so far (the first run, resumptions after a crash, retries).
    public var attempts: Int
    public var failureReason: String?
    /// The node running it holds the workflow until then; after that anyone may take it over.
    public var claimToken: String?
    public var claimedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date
    public var startedAt: Date?
    public var endedAt: Date?

    public init(id: String, pipelineID: String, workspaceID: String, filePath: String, fileVersion: String,
                status: Status = .pending, steps: [FileWorkflowStep] = [], attempts: Int = 0, failureReason: String? = nil,
                claimToken: String? = nil, claimedUntil: Date? = nil, createdAt: Date, updatedAt: Date? = nil,
                startedAt: Date? = nil, endedAt: Date? = nil) {
        self.id = id
        self.pipelineID = pipelineID
        self.workspaceID = workspaceID
        self.filePath = filePath
        self.fileVersion = fileVersion
        self.status = status
        self.steps = steps
        self.attempts = attempts
        self.failureReason = failureReason
        self.claimToken = claimToken
        self.claimedUntil = claimedUntil
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
    }
}

/// One step of a ``FileWorkflow``: its status, timing, the execution of its latest attempt
/// (`runID`: recorded with its inputs and outputs once it ends; its log is that execution's)
/// and its output.
public struct FileWorkflowStep: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case running
        case succeeded
        case failed
        /// Not run: its condition was false, or an earlier step failed.
        case skipped
    }

    public var id: String
    public var status: Status
    public var runID: String?
    public var startedAt: Date?
    public var endedAt: Date?
    public var output: JSONValue?
    public var failureReason: String?
    /// The step failed but the workflow went on (the step allows it).
    public var failureIgnored: Bool

    public init(id: String, status: Status = .pending, runID: String? = nil, startedAt: Date? = nil, endedAt: Date? = nil,
                output: JSONValue? = nil, failureReason: String? = nil, failureIgnored: Bool = false) {
        self.id = id
        self.status = status
        self.runID = runID
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.output = output
        self.failureReason = failureReason
        self.failureIgnored = failureIgnored
    }

    public var duration: TimeInterval? {
        guard let startedAt, let endedAt else { return nil }
        return endedAt.timeIntervalSince(startedAt)
    }
}

/// Which workflows to list: a workspace's, optionally of one pipeline, one status, one file.
public struct FileWorkflowQuery: Sendable, Equatable {
    public var workspaceID: String
    public var pipelineID: String?
    public var status: FileWorkflow.Status?
    public var filePath: String?
    public var limit: Int

    public init(workspaceID: String, pipelineID: String? = nil, status: FileWorkflow.Status? = nil, filePath: String? = nil,
                limit: Int = 100) {
        self.workspaceID = workspaceID
        self.pipelineID = pipelineID
        self.status = status
        self.filePath = filePath
        self.limit = limit
    }
}
