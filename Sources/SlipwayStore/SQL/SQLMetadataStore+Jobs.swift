import Foundation
import SQLKit
import SlipwayCore

/// `JobStore` on SQL (migration 25): jobs and their runs, a scheduled run unique per
/// (job, slot) so that a slot claimed twice still runs once.
extension SQLMetadataStore {
    public func insertJob(_ job: Job) async throws {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO jobs (id, workspace_id, package_id, package_digest, entry_point, environment_json, name, arguments_json,
                    schedule, timeout_seconds, status, last_scheduled_at, created_by, created_at, updated_at)
                VALUES (\(bind: job.id), \(bind: job.workspaceID), \(bind: job.packageID), \(bind: job.packageDigest),
                    \(bind: job.entryPoint), \(bind: encodeJSON(job.environment)), \(bind: job.name), \(bind: encodeJSON(job.arguments)), \(bind: job.schedule), \(bind: job.timeoutSeconds),
                    \(bind: job.status.rawValue), \(bind: job.lastScheduledAt?.timeIntervalSince1970), \(bind: job.createdBy),
                    \(bind: job.createdAt.timeIntervalSince1970), \(bind: job.updatedAt.timeIntervalSince1970))
                """).run()
        }
    }

    public func job(id: String) async throws -> Job? {
        try await jobs(where: "id = \(bind: id)").first
    }

    public func jobs(workspaceID: String) async throws -> [Job] {
        try await jobs(where: "workspace_id = \(bind: workspaceID)")
    }

    public func jobs(packageDigest: String) async throws -> [Job] {
        try await jobs(where: "package_digest = \(bind: packageDigest)")
    }

    public func jobs(status: Job.Status) async throws -> [Job] {
        try await jobs(where: "status = \(bind: status.rawValue)")
    }

    public func liveScheduledJobs() async throws -> [Job] {
        try await jobs(where: """
            schedule IS NOT NULL AND status IN (\(bind: Job.Status.pending.rawValue), \(bind: Job.Status.started.rawValue))
            """)
    }

    public func updateJobStatus(id: String, from: Set<Job.Status>, to: Job.Status, at time: Date) async throws -> Bool {
        guard !from.isEmpty else { return false }
        let statuses = SQLList(from.map(\.rawValue).sorted().map { SQLBind($0) })
        return try await withDatabase { db in
            try await db.raw("""
                UPDATE jobs SET status = \(bind: to.rawValue), updated_at = \(bind: time.timeIntervalSince1970)
                WHERE id = \(bind: id) AND status IN (\(statuses)) RETURNING id
                """).first() != nil
        }
    }

    public func claimJobSlot(id: String, previous: Date?, slot: Date) async throws -> Bool {
        let live = SQLList([Job.Status.pending.rawValue, Job.Status.started.rawValue].map { SQLBind($0) })
        let unchanged: SQLQueryString = previous.map { "last_scheduled_at = \(bind: $0.timeIntervalSince1970)" } ?? "last_scheduled_at IS NULL"
        return try await withDatabase { db in
            try await db.raw("""
                UPDATE jobs SET last_scheduled_at = \(bind: slot.timeIntervalSince1970)
                WHERE id = \(bind: id) AND \(unchanged) AND status IN (\(live)) RETURNING id
                """).first() != nil
        }
    }

    public func insertJobRun(_ run: JobRun) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                INSERT INTO job_runs (id, job_id, workspace_id, status, slot, exit_code, failure_reason, created_at, updated_at, ended_at)
                VALUES (\(bind: run.id), \(bind: run.jobID), \(bind: run.workspaceID), \(bind: run.status.rawValue),
                    \(bind: run.slot?.timeIntervalSince1970), \(bind: run.exitCode), \(bind: run.failureReason),
                    \(bind: run.createdAt.timeIntervalSince1970), \(bind: run.updatedAt.timeIntervalSince1970),
                    \(bind: run.endedAt?.timeIntervalSince1970))
                ON CONFLICT (job_id, slot) DO NOTHING RETURNING id
                """).first() != nil
        }
    }

    public func jobRun(id: String) async throws -> JobRun? {
        try await jobRuns(where: "id = \(bind: id)", limit: 1).first
    }

    public func jobRuns(jobID: String, status: JobRun.Status?, limit: Int) async throws -> [JobRun] {
        var clause: SQLQueryString = "job_id = \(bind: jobID)"
        if let status { clause += " AND status = \(bind: status.rawValue)" }
        return try await jobRuns(where: clause, limit: limit)
    }

    public func finishJobRun(id: String, status: JobRun.Status, exitCode: Int?, failureReason: String?,
                             at time: Date) async throws -> Bool {
        try await withDatabase { db in
            try await db.raw("""
                UPDATE job_runs SET status = \(bind: status.rawValue), exit_code = \(bind: exitCode),
                    failure_reason = \(bind: failureReason), updated_at = \(bind: time.timeIntervalSince1970),
                    ended_at = \(bind: time.timeIntervalSince1970)
                WHERE id = \(bind: id) AND status = \(bind: JobRun.Status.running.rawValue) RETURNING id
                """).first() != nil
        }
    }

    public func runningJobRuns() async throws -> [JobRun] {
        try await jobRuns(where: "status = \(bind: JobRun.Status.running.rawValue)", limit: 100_000)
    }

    private func jobs(where clause: SQLQueryString) async throws -> [Job] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM jobs WHERE \(clause) ORDER BY created_at DESC, id").all().map(Self.job(from:))
        }
    }

    private func jobRuns(where clause: SQLQueryString, limit: Int) async throws -> [JobRun] {
        try await withDatabase { db in
            try await db.raw("SELECT * FROM job_runs WHERE \(clause) ORDER BY updated_at DESC, id LIMIT \(bind: max(1, limit))")
                .all().map(Self.jobRun(from:))
        }
    }

    static func job(from row: any SQLRow) throws -> Job {
        guard let status = Job.Status(rawValue: try row.string("status")) else { throw SlipwayError.internal("stored job status is invalid") }
        return Job(
            id: try row.string("id"), workspaceID: try row.string("workspace_id"), packageID: try row.string("package_id"),
            packageDigest: try row.string("package_digest"), entryPoint: try row.string("entry_point"),
            environment: try row.json("environment_json", as: [String: String].self), name: try row.optionalString("name"),
            arguments: try row.json("arguments_json", as: JSONValue.self), schedule: try row.optionalString("schedule"),
            timeoutSeconds: try row.decode(column: "timeout_seconds", as: Int?.self), status: status,
            lastScheduledAt: try row.optionalDate("last_scheduled_at"), createdAt: try row.date("created_at"),
            createdBy: try row.string("created_by"), updatedAt: try row.date("updated_at"))
    }

    static func jobRun(from row: any SQLRow) throws -> JobRun {
        guard let status = JobRun.Status(rawValue: try row.string("status")) else { throw SlipwayError.internal("stored job run status is invalid") }
        return JobRun(
            id: try row.string("id"), jobID: try row.string("job_id"), workspaceID: try row.string("workspace_id"), status: status,
            slot: try row.optionalDate("slot"), exitCode: try row.decode(column: "exit_code", as: Int?.self),
            failureReason: try row.optionalString("failure_reason"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), endedAt: try row.optionalDate("ended_at"))
    }
}
