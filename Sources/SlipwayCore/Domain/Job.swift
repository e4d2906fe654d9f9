import Foundation

/// A request to run a code package's program: once, or at every slot of a cron schedule
/// until killed. Each run is a ``JobRun`` with its own status and log.
public struct Job: Sendable, Equatable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Created; no run has started yet.
        case pending
        /// A run has started (for a scheduled job: it keeps firing).
        case started
        /// A run-once job whose run failed, or a job that could not start.
        case failed
        /// Kill requested: no further runs; a running one is stopped.
        case killRequested = "kill_requested"
        /// Killed, nothing left running.
        case killed
        /// A run-once job whose run succeeded.
        case succeeded

        /// Whether the job may still start runs.
        public var isLive: Bool { self == .pending || self == .started }
    }

    public var id: String
    public var workspaceID: String
    public var packageID: String
    /// SHA-256 of the package's archive when the job was created.
    public var packageDigest: String
    /// The script run, relative to the package's code.
    public var entryPoint: String
    /// Variables the program gets besides the platform's own.
    public var environment: [String: String]
    public var name: String?
    /// The arguments the program reads (any JSON object).
    public var arguments: JSONValue
    /// A 5-field cron expression (UTC) for scheduled jobs; nil runs once.
    public var schedule: String?
    public var timeoutSeconds: Int?
    public var status: Status
    /// The last slot claimed by the scheduler (scheduled jobs).
    public var lastScheduledAt: Date?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, packageID: String, packageDigest: String, entryPoint: String,
                environment: [String: String] = [:], name: String?, arguments: JSONValue,
                schedule: String?, timeoutSeconds: Int?, status: Status, lastScheduledAt: Date? = nil, createdAt: Date,
                createdBy: String, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.packageID = packageID
        self.packageDigest = packageDigest
        self.entryPoint = entryPoint
        self.environment = environment
        self.name = name
        self.arguments = arguments
        self.schedule = schedule
        self.timeoutSeconds = timeoutSeconds
        self.status = status
        self.lastScheduledAt = lastScheduledAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
    }
}
