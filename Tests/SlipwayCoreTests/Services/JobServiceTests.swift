import Foundation
import Testing

@testable import SlipwayCore

/// Code packages and the jobs that run their programs, on the in-memory store with a fake
/// environment provider and program launcher: a package is stored once per address unless
/// replaced and its build ends ready or failed; a run-once job runs with its arguments and
/// ends the job; a failing program fails it; a kill stops a running run; scheduled jobs fire
/// once per slot until killed; runs cut short by a crash are ended; bad requests store nothing.
@Suite("Code packages and jobs")
struct JobServiceTests {
    struct Setup {
        let harness: ServiceHarness
        let packages: CodePackageService
        let jobs: JobService
        let programs: FakeProgramLauncher
        let scheduler: PeriodicScheduler
    }

    func setup() async throws -> Setup {
        let harness = try await ServiceHarness.make()
        var platform = harness.platform
        let programs = FakeProgramLauncher()
        platform.programs = programs
        let jobs = JobService(platform: platform, accounts: harness.accounts)
        let scheduler = PeriodicScheduler(platform: platform, deployments: harness.deployments, jobs: jobs)
        return Setup(harness: harness, packages: CodePackageService(platform: platform), jobs: jobs, programs: programs,
                     scheduler: scheduler)
    }

    func package(_ setup: Setup, slug: String = "orchestration", replace: Bool = false) async throws -> CodePackage {
        let harness = setup.harness
        let archive = try harness.bundles.makeArchive(["main.py": "print('hi')\n", "requirements.txt": "six\n"])
        let bundle = try await setup.packages.stage(zipArchive: archive)
        let draft = CodePackageDraft(kind: .task, namespace: "tasks", slug: slug, version: "1", manifest: .object([:]),
                                     requirementsPath: "requirements.txt")
        return try await setup.packages.create(draft, bundle: bundle, archive: archive, workspace: harness.workspace,
                                               by: harness.principal.userID, replace: replace)
    }

    func ready(_ setup: Setup, _ package: CodePackage) async throws -> CodePackage {
        try await eventually("package \(package.id) built") {
            guard let current = try await setup.packages.package(id: package.id), current.status != .pending else { return nil }
            return current
        }
    }

    func eventually<T: Sendable>(_ what: String, _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + ServiceHarness.patience
        while ContinuousClock.now < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SlipwayError.internal("timed out waiting for \(what)")
    }

    func finishedRun(_ setup: Setup, _ job: Job) async throws -> JobRun {
        try await eventually("a finished run of \(job.id)") {
            try await setup.jobs.runs(of: job).first { $0.status != .running }
        }
    }

    func draft(_ package: CodePackage, schedule: String? = nil, arguments: JSONValue = .object(["n": .number(1)]),
               timeout: Int? = nil) -> JobService.Draft {
        JobService.Draft(package: package, entryPoint: "main.py", environment: ["TASK_ID": "t"], name: "job",
                         arguments: arguments, schedule: schedule, timeoutSeconds: timeout)
    }

    @Test func packagesAreVersionedAndBuilt() async throws {
        let setup = try await setup()
        let first = try await ready(setup, try await package(setup))
        #expect(first.status == .ready && first.environmentKey != nil && first.pythonVersion == "3.12")
        await #expect(throws: SlipwayError.self) { try await package(setup) }
        let replacement = try await package(setup, replace: true)
        #expect(replacement.id != first.id)
        #expect(try await setup.packages.package(id: first.id) == nil, "the replaced version is gone")
        let log = try await setup.packages.buildLog(of: try await ready(setup, replacement), offset: 0)
        #expect(log.first?.message.contains("Building Python 3.12") == true)
        #expect(try await setup.packages.buildLog(of: replacement, offset: log.count).isEmpty)

        setup.harness.environments.failBuilds("no wheel for six")
        let failing = try await ready(setup, try await package(setup, slug: "broken"))
        #expect(failing.status == .failed && failing.failureReason?.contains("no wheel") == true)
        try await setup.packages.delete(failing)
        #expect(try await setup.packages.package(id: failing.id) == nil)
    }

    @Test func aRunOnceJobRunsWithItsArgumentsAndEndsTheJob() async throws {
        let setup = try await setup()
        let package = try await package(setup)
        let job = try await setup.jobs.create(draft(package), by: setup.harness.principal.userID)
        let run = try await finishedRun(setup, job)
        #expect(run.status == .succeeded && run.exitCode == 0 && run.slot == nil)
        let invocation = try #require(setup.programs.invocations.first)
        #expect(invocation.script == "main.py" && invocation.environment["SLIPWAY_JOB_ARGUMENTS"] == #"{"n":1}"#)
        #expect(invocation.environment["SLIPWAY_JOB_RUN_ID"] == run.id && invocation.environment["TASK_ID"] == "t")
        #expect(invocation.python.contains("python"))
        // The dialects' variables carry the run's token, which works only while the run runs.
        let token = try #require(invocation.environment[ServiceHarness.tokenVariable])
        await #expect(throws: SlipwayError.self) { try await setup.harness.accounts.authenticate(refreshToken: token, allowingJobRuns: true) }
        #expect(try await setup.jobs.log(of: run).map(\.message) == ["hello from the program"])
        let ended = try await eventually("job ended") { try await setup.jobs.job(id: job.id).flatMap { $0.status == .succeeded ? $0 : nil } }
        #expect(ended.status == .succeeded)

        setup.programs.answer(.exited(3))
        let failing = try await setup.jobs.create(draft(package), by: setup.harness.principal.userID)
        let failed = try await finishedRun(setup, failing)
        #expect(failed.status == .failed && failed.exitCode == 3 && failed.failureReason?.contains("code 3") == true)
        _ = try await eventually("job failed") { try await setup.jobs.job(id: failing.id).flatMap { $0.status == .failed ? $0 : nil } }
    }

    @Test func aKillStopsTheRunningRun() async throws {
        let setup = try await setup()
        setup.programs.block(true)
        let job = try await setup.jobs.create(draft(try await package(setup)), by: setup.harness.principal.userID)
        let invocation = try await eventually("the program started") { setup.programs.invocations.first }
        // While the run runs its token acts as the job's owner, only where job runs are allowed.
        let token = try #require(invocation.environment[ServiceHarness.tokenVariable])
        let principal = try await setup.harness.accounts.authenticate(refreshToken: token, allowingJobRuns: true)
        #expect(principal.kind == .jobRun && principal.userID == setup.harness.principal.userID)
        await #expect(throws: SlipwayError.self) { try await setup.harness.accounts.authenticate(refreshToken: token) }
        let answer = try await setup.jobs.kill(job)
        #expect(answer.status == .killRequested)
        let run = try await finishedRun(setup, job)
        #expect(run.status == .failed && run.failureReason == "the job was killed")
        _ = try await eventually("job killed") { try await setup.jobs.job(id: job.id).flatMap { $0.status == .killed ? $0 : nil } }
    }

    @Test func scheduledJobsFireOncePerSlotUntilKilled() async throws {
        let setup = try await setup()
        let clock = setup.harness.clock
        let job = try await setup.jobs.create(draft(try await package(setup), schedule: "*/1 * * * *"), by: setup.harness.principal.userID)
        #expect(try await setup.jobs.runs(of: job).isEmpty, "a scheduled job waits for its first slot")
        clock.advance(by: 61)
        await setup.scheduler.tickJobs()
        await setup.scheduler.tickJobs()
        _ = try await finishedRun(setup, job)
        #expect(try await setup.jobs.runs(of: job).count == 1, "one run per slot")
        #expect(try await setup.jobs.job(id: job.id)?.status == .started)
        // Three slots missed: one run catches up.
        clock.advance(by: 180)
        await setup.scheduler.tickJobs()
        _ = try await eventually("second run") { try await setup.jobs.runs(of: job).count == 2 ? true : nil }
        #expect([.killRequested, .killed].contains(try await setup.jobs.kill(job).status))
        _ = try await eventually("job killed") { try await setup.jobs.job(id: job.id).flatMap { $0.status == .killed ? $0 : nil } }
        clock.advance(by: 120)
        await setup.scheduler.tickJobs()
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await setup.jobs.runs(of: job).count == 2, "no run after a kill")
    }

    @Test func runsCutShortByACrashAreEnded() async throws {
        let setup = try await setup()
        let store = setup.harness.store
        let package = try await package(setup)
        let job = Job(id: "crashed", workspaceID: package.workspaceID, packageID: package.id, packageDigest: package.codeDigest,
                      entryPoint: "main.py", name: nil, arguments: .object([:]), schedule: nil, timeoutSeconds: nil, status: .started,
                      createdAt: setup.harness.clock.now, createdBy: "u1")
        try await store.insertJob(job)
        _ = try await store.insertJobRun(JobRun(id: "r1", jobID: job.id, workspaceID: job.workspaceID, status: .running, slot: nil,
                                                createdAt: setup.harness.clock.now))
        // A run-once job stored without its run (a crash between the two writes) gets it.
        let orphan = Job(id: "orphan", workspaceID: package.workspaceID, packageID: package.id, packageDigest: package.codeDigest,
                         entryPoint: "main.py", name: nil, arguments: .object([:]), schedule: nil, timeoutSeconds: nil, status: .pending,
                         createdAt: setup.harness.clock.now, createdBy: "u1")
        try await store.insertJob(orphan)
        // A scheduled job whose slot was claimed, but whose run was not stored, before the crash.
        let claimed = Job(id: "claimed", workspaceID: package.workspaceID, packageID: package.id, packageDigest: package.codeDigest,
                          entryPoint: "main.py", name: nil, arguments: .object([:]), schedule: "*/1 * * * *", timeoutSeconds: nil,
                          status: .started, lastScheduledAt: Date(timeIntervalSince1970: 1_800_000_000),
                          createdAt: setup.harness.clock.now, createdBy: "u1")
        try await store.insertJob(claimed)
        try await setup.jobs.recoverInterrupted()
        let recovered = try await finishedRun(setup, claimed)
        #expect(recovered.slot == claimed.lastScheduledAt && recovered.status == .succeeded)
        try await setup.jobs.recoverInterrupted()
        #expect(try await setup.jobs.runs(of: claimed).count == 1, "a recovered slot runs once")
        let ended = try #require(try await store.jobRun(id: "r1"))
        #expect(ended.status == .failed && ended.failureReason == "the server stopped during the run")
        #expect(try await finishedRun(setup, orphan).status == .succeeded)
    }

    @Test func badRequestsStoreNothing() async throws {
        let setup = try await setup()
        let package = try await package(setup)
        let user = setup.harness.principal.userID
        for bad in [draft(package, schedule: "every minute"), draft(package, arguments: .array([])),
                    draft(package, timeout: 0), draft(package, arguments: .object(["x": .string(String(repeating: "a", count: 70_000))]))] {
            await #expect(throws: SlipwayError.self) { try await setup.jobs.create(bad, by: user) }
        }
        setup.harness.environments.failBuilds("broken")
        let failed = try await ready(setup, try await self.package(setup, slug: "failed"))
        await #expect(throws: SlipwayError.self) { try await setup.jobs.create(draft(failed), by: user) }
        #expect(try await setup.jobs.jobs(workspaceID: setup.harness.workspace.id).isEmpty)
    }
}
