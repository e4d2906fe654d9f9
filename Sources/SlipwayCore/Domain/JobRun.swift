import Foundation

/// One run of a ``Job``'s program. Its output is the log of ``LogSubject/jobRun(_:)``.
public struct JobRun: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case running
        case succeeded
        case failed
    }

    public var id: String
    public var jobID: String
    public var workspaceID: String
    public var status: Status
    /// The schedule slot the run is for (scheduled jobs); unique per job, so a slot runs once.
    public var slot: Date?
    public var exitCode: Int?
    /// Why the run failed, in words the user can act on.
    public var failureReason: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var endedAt: Date?

    public init(id: String, jobID: String, workspaceID: String, status: Status, slot: Date?, exitCode: Int? = nil,
                failureReason: String? = nil, createdAt: Date, updatedAt: Date? = nil, endedAt: Date? = nil) {
        self.id = id
        self.jobID = jobID
        self.workspaceID = workspaceID
        self.status = status
        self.slot = slot
        self.exitCode = exitCode
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.endedAt = endedAt
    }
}
