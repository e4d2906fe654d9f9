import Foundation

/// Jobs and their runs.
public protocol JobStore: Sendable {
    func insertJob(_ job: Job) async throws
    func job(id: String) async throws -> Job?
    /// The workspace's jobs, newest first.
    func jobs(workspaceID: String) async throws -> [Job]
    /// Every job created from a package with this archive digest, newest first.
    func jobs(packageDigest: String) async throws -> [Job]
    /// Jobs in `status`, newest first.
    func jobs(status: Job.Status) async throws -> [Job]
    /// Scheduled jobs that may still fire (status pending or started).
    func liveScheduledJobs() async throws -> [Job]
    /// Moves a job to `to` if its status is one of `from` (compare-and-set); false otherwise.
    func updateJobStatus(id: String, from: Set<Job.Status>, to: Job.Status, at time: Date) async throws -> Bool
    /// Claims the schedule slot: sets the last scheduled slot to `slot` if it is still
    /// `previous` and the job is live; false when another claim won or the job was killed.
    func claimJobSlot(id: String, previous: Date?, slot: Date) async throws -> Bool
    /// Stores a run; false (storing nothing) when the job already has a run for its slot.
    func insertJobRun(_ run: JobRun) async throws -> Bool
    func jobRun(id: String) async throws -> JobRun?
    /// The job's runs, newest first (by last update), optionally of one status, at most `limit`.
    func jobRuns(jobID: String, status: JobRun.Status?, limit: Int) async throws -> [JobRun]
    /// Ends a running run; false when it was not running.
    func finishJobRun(id: String, status: JobRun.Status, exitCode: Int?, failureReason: String?, at time: Date) async throws -> Bool
    /// Runs still marked running (after a crash: to close them).
    func runningJobRuns() async throws -> [JobRun]
}
