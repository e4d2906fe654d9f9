import Foundation
@testable import SlipwayCore

/// `JobStore` in memory, as the SQL store does it: newest first, compare-and-set status and slot
/// claims, one run per (job, slot).
extension InMemoryMetadataStore {
    func insertJob(_ job: Job) async throws {
        try write { state in
            guard !state.jobs.contains(where: { $0.id == job.id }) else { throw Self.duplicate("jobs.id") }
            state.jobs.append(job)
        }
    }

    func job(id: String) async throws -> Job? {
        read { $0.jobs.first { $0.id == id } }
    }

    func jobs(workspaceID: String) async throws -> [Job] {
        read { Self.newestFirst($0.jobs.filter { $0.workspaceID == workspaceID }) }
    }

    func jobs(packageDigest: String) async throws -> [Job] {
        read { Self.newestFirst($0.jobs.filter { $0.packageDigest == packageDigest }) }
    }

    func jobs(status: Job.Status) async throws -> [Job] {
        read { Self.newestFirst($0.jobs.filter { $0.status == status }) }
    }

    func liveScheduledJobs() async throws -> [Job] {
        read { Self.newestFirst($0.jobs.filter { $0.schedule != nil && $0.status.isLive }) }
    }

    func updateJobStatus(id: String, from: Set<Job.Status>, to: Job.Status, at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.jobs.firstIndex(where: { $0.id == id && from.contains($0.status) }) else { return false }
            state.jobs[index].status = to
            state.jobs[index].updatedAt = time
            return true
        }
    }

    func claimJobSlot(id: String, previous: Date?, slot: Date) async throws -> Bool {
        try write { state in
            guard let index = state.jobs.firstIndex(where: { $0.id == id && $0.lastScheduledAt == previous && $0.status.isLive }) else {
                return false
            }
            state.jobs[index].lastScheduledAt = slot
            return true
        }
    }

    func insertJobRun(_ run: JobRun) async throws -> Bool {
        try write { state in
            if run.slot != nil, state.jobRuns.contains(where: { $0.jobID == run.jobID && $0.slot == run.slot }) { return false }
            state.jobRuns.append(run)
            return true
        }
    }

    func jobRun(id: String) async throws -> JobRun? {
        read { $0.jobRuns.first { $0.id == id } }
    }

    func jobRuns(jobID: String, status: JobRun.Status?, limit: Int) async throws -> [JobRun] {
        read { state in
            Array(state.jobRuns.filter { $0.jobID == jobID && (status == nil || $0.status == status) }
                .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }.prefix(max(1, limit)))
        }
    }

    func finishJobRun(id: String, status: JobRun.Status, exitCode: Int?, failureReason: String?, at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.jobRuns.firstIndex(where: { $0.id == id && $0.status == .running }) else { return false }
            state.jobRuns[index].status = status
            state.jobRuns[index].exitCode = exitCode
            state.jobRuns[index].failureReason = failureReason
            state.jobRuns[index].updatedAt = time
            state.jobRuns[index].endedAt = time
            return true
        }
    }

    func runningJobRuns() async throws -> [JobRun] {
        read { $0.jobRuns.filter { $0.status == .running } }
    }

    private static func newestFirst(_ jobs: [Job]) -> [Job] {
        jobs.sorted { ($0.createdAt, $1.id) > ($1.createdAt, $0.id) }
    }
}
