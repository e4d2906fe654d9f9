import Foundation

/// Jobs: a code package's program run once, or at each slot of a cron schedule until killed.
///
/// A run is stored (status `running`) before its process starts and ended with the program's
/// outcome; its output is kept as the run's log. A run waits for the package's environment
/// build when that is still going on. A scheduled job's slots come from the one scheduler
/// (`PeriodicScheduler`), claimed with a compare-and-set and stored once per slot, with the
/// deployments' catch-up policy (missed slots coalesce into one run). Killing a job stops its
/// future runs and the one running. Runs cut short by a crash are ended as failed at the next
/// start, and run-once jobs that never got their run get it then.
public struct JobService: Sendable {
    let platform: Platform
    let accounts: AccountService
    let running: RunningJobs

    public init(platform: Platform, accounts: AccountService) {
        self.platform = platform
        self.accounts = accounts
        self.running = RunningJobs()
    }

    /// What a caller asks for.
    public struct Draft: Sendable {
        public var id: String
        public var package: CodePackage
        public var entryPoint: String
        public var environment: [String: String]
        public var name: String?
        public var arguments: JSONValue
        public var schedule: String?
        public var timeoutSeconds: Int?

        public init(id: String = UUID().uuidString.lowercased(), package: CodePackage, entryPoint: String,
                    environment: [String: String] = [:], name: String?, arguments: JSONValue, schedule: String?, timeoutSeconds: Int?) {
            self.id = id
            self.package = package
            self.entryPoint = entryPoint
            self.environment = environment
            self.name = name
            self.arguments = arguments
            self.schedule = schedule
            self.timeoutSeconds = timeoutSeconds
        }
    }

    static let maxArgumentBytes = 64 * 1024
    static let maxTimeoutSeconds = 7 * 24 * 3600

    /// Stores the job; a run-once job starts its run at once.
    public func create(_ draft: Draft, by userID: String) async throws -> Job {
        guard platform.programs != nil else { throw SlipwayError.notImplemented("this server does not run jobs") }
        guard draft.package.kind.hasEnvironment else {
            throw SlipwayError.badRequest("package \(draft.package.address) has no program to run")
        }
        guard draft.package.status != .failed else {
            throw SlipwayError.badRequest("the environment of \(draft.package.address) failed to build: "
                + (draft.package.failureReason ?? "see its build log"))
        }
        guard case .object = draft.arguments else { throw SlipwayError.badRequest("the job's arguments must be a JSON object") }
        guard draft.arguments.jsonData().count <= Self.maxArgumentBytes else {
            throw SlipwayError.tooLarge("the job's arguments are larger than \(Self.maxArgumentBytes) bytes")
        }
        if let name = draft.name, name.count > 256 || name.contains(where: \.isNewline) {
            throw SlipwayError.badRequest("a job's name is at most 256 characters on one line")
        }
        if let timeout = draft.timeoutSeconds, !(1...Self.maxTimeoutSeconds).contains(timeout) {
            throw SlipwayError.badRequest("'timeout' must be from 1 to \(Self.maxTimeoutSeconds) seconds")
        }
        if let schedule = draft.schedule {
            do { _ = try CronExpression(schedule) } catch {
                throw SlipwayError.badRequest("'\(NameRules.printable(schedule))' is not a valid cron schedule "
                    + "(five fields: minute hour day-of-month month day-of-week)")
            }
        }
        let now = platform.now()
        let job = Job(id: draft.id, workspaceID: draft.package.workspaceID, packageID: draft.package.id,
                      packageDigest: draft.package.codeDigest, entryPoint: draft.entryPoint, environment: draft.environment,
                      name: draft.name, arguments: draft.arguments, schedule: draft.schedule, timeoutSeconds: draft.timeoutSeconds,
                      status: .pending, lastScheduledAt: draft.schedule == nil ? nil : Self.creationMark(now), createdAt: now,
                      createdBy: userID)
        try await platform.store.insertJob(job)
        if job.schedule == nil { try await startRun(of: job, slot: nil) }
        return job
    }

    public func job(id: String) async throws -> Job? {
        try await platform.store.job(id: id)
    }

    public func jobs(workspaceID: String) async throws -> [Job] {
        try await platform.store.jobs(workspaceID: workspaceID)
    }

    public func jobs(packageDigest: String) async throws -> [Job] {
        try await platform.store.jobs(packageDigest: packageDigest)
    }

    public func runs(of job: Job, status: JobRun.Status? = nil, limit: Int = 100) async throws -> [JobRun] {
        try await platform.store.jobRuns(jobID: job.id, status: status, limit: min(max(1, limit), 1000))
    }

    public func run(id: String) async throws -> JobRun? {
        try await platform.store.jobRun(id: id)
    }

    /// The run's log; the last `lines` only when given.
    public func log(of run: JobRun, lines: Int? = nil) async throws -> [LogLine] {
        let all = try await platform.store.logs(subject: .jobRun(run.id), query: LogQuery())
        guard let lines else { return all }
        return Array(all.suffix(max(0, lines)))
    }

    /// Stops future runs and the one running; answers the job as stored (`killRequested`
    /// while a run is being stopped, `killed` once nothing runs).
    public func kill(_ job: Job) async throws -> Job {
        let now = platform.now()
        _ = try await platform.store.updateJobStatus(id: job.id, from: [.pending, .started, .succeeded, .failed], to: .killRequested, at: now)
        let stopping = running.cancel(jobID: job.id)
        if stopping == 0 { _ = try await platform.store.updateJobStatus(id: job.id, from: [.killRequested], to: .killed, at: now) }
        var answered = try await platform.store.job(id: job.id) ?? job
        // Even a job that finished at once reports the kill as requested first, as the answer of
        // the kill call.
        if answered.status == .killed, stopping > 0 { answered.status = .killRequested }
        return answered
    }

    /// Fires the slot of a scheduled job if it can still be claimed (the scheduler's call).
    func fire(_ job: Job, slot: Date, previous: Date?) async {
        do {
            guard try await platform.store.claimJobSlot(id: job.id, previous: previous, slot: slot) else { return }
            try await startRun(of: job, slot: slot)
        } catch {
            platform.logger.error("job \(job.id) could not fire its slot: \(error)")
        }
    }

    /// Ends runs a crash cut short, starts the runs of run-once jobs that never got one, and
    /// runs the slots claimed just before a crash whose run was never stored (a claimed slot is
    /// a whole minute; the mark a new job starts from never is).
    public func recoverInterrupted() async throws {
        for job in try await platform.store.liveScheduledJobs() {
            guard let slot = job.lastScheduledAt, PeriodicScheduler.isClaimedSlot(slot) else { continue }
            if try await platform.store.jobRuns(jobID: job.id, status: nil, limit: 1).first?.slot != slot {
                try await startRun(of: job, slot: slot)
            }
        }
        for run in try await platform.store.runningJobRuns() where !running.isRunning(run.id) {
            _ = try await platform.store.finishJobRun(id: run.id, status: .failed, exitCode: nil,
                                                      failureReason: "the server stopped during the run", at: platform.now())
        }
        for job in try await platform.store.jobs(status: .pending) where job.schedule == nil {
            if try await platform.store.jobRuns(jobID: job.id, status: nil, limit: 1).isEmpty { try await startRun(of: job, slot: nil) }
        }
    }

    /// Stores a running run and starts its program in the background.
    private func startRun(of job: Job, slot: Date?) async throws {
        let now = platform.now()
        let run = JobRun(id: UUID().uuidString.lowercased(), jobID: job.id, workspaceID: job.workspaceID, status: .running,
                         slot: slot, createdAt: now)
        guard try await platform.store.insertJobRun(run) else { return }
        _ = try await platform.store.updateJobStatus(id: job.id, from: [.pending], to: .started, at: now)
        let platform = self.platform
        let accounts = self.accounts
        let running = self.running
        let task = Task {
            let log = LogBuffer(store: platform.store, subject: .jobRun(run.id))
            let (status, code, reason) = await Self.execute(job, run: run, platform: platform, accounts: accounts, log: log)
            try? await platform.store.revokeTokens(executionID: run.id)
            await log.flush()
            _ = try? await platform.store.finishJobRun(id: run.id, status: status, exitCode: code, failureReason: reason, at: platform.now())
            running.finished(runID: run.id, jobID: job.id)
            let at = platform.now()
            if job.schedule == nil {
                _ = try? await platform.store.updateJobStatus(id: job.id, from: [.started, .pending], to: status == .succeeded ? .succeeded : .failed, at: at)
            }
            if running.count(jobID: job.id) == 0 {
                _ = try? await platform.store.updateJobStatus(id: job.id, from: [.killRequested], to: .killed, at: at)
            }
            platform.signals.signal("job-run:\(run.id)")
        }
        running.started(task, runID: run.id, jobID: job.id)
    }

    /// Waits for the environment, runs the program, and describes the outcome.
    private static func execute(_ job: Job, run: JobRun, platform: Platform, accounts: AccountService,
                                log: LogBuffer) async -> (JobRun.Status, Int?, String?) {
        guard let programs = platform.programs else { return (.failed, nil, "this server does not run jobs") }
        var package: CodePackage?
        while !Task.isCancelled {
            package = try? await platform.store.codePackage(id: job.packageID)
            guard let current = package, current.status == .pending else { break }
            _ = await platform.signals.wait("code-package:\(current.id)", timeout: .seconds(2))
        }
        if Task.isCancelled { return (.failed, nil, "the job was killed") }
        guard let package else { return (.failed, nil, "the job's code no longer exists") }
        guard package.status == .ready, let key = package.environmentKey, let environment = platform.environments.environment(key: key) else {
            return (.failed, nil, "the job's environment is not available: " + (package.failureReason ?? "its build failed"))
        }
        // The dialects' variables (the API's URL and the run's token), then the job's, then the platform's own.
        let lifetime: Duration = .seconds(job.timeoutSeconds ?? Self.maxTimeoutSeconds)
        guard let workspace = try? await platform.store.workspace(id: job.workspaceID),
              let token = try? await accounts.issueJobRunToken(for: run, userID: job.createdBy, lifetime: lifetime)
        else { return (.failed, nil, "the run's credentials could not be issued") }
        var variables = platform.workerEnvironment(WorkerContext(workspace: workspace, token: token, executionID: nil, jobRunID: run.id))
        variables.merge(job.environment) { _, job in job }
        variables["PATH"] = ((environment.pythonExecutable as NSString).deletingLastPathComponent) + ":/usr/local/bin:/usr/bin:/bin"
        variables["LANG"] = "C.UTF-8"
        variables["SLIPWAY_JOB_ID"] = job.id
        variables["SLIPWAY_JOB_RUN_ID"] = run.id
        variables["SLIPWAY_JOB_ARGUMENTS"] = job.arguments.jsonString()
        let invocation = ProgramInvocation(
            runID: run.id, python: environment.pythonExecutable, script: job.entryPoint,
            codeDirectory: platform.bundles.codeDirectory(packageID: package.id), environment: variables,
            timeout: job.timeoutSeconds.map { .seconds($0) })
        let outcome = await programs.run(invocation) { line in log.add(line) }
        switch outcome {
        case .exited(0): return (.succeeded, 0, nil)
        case .exited(let code): return (.failed, Int(code), "the program exited with code \(code)")
        case .signalled(let signal): return (.failed, nil, "the program was stopped by signal \(signal)")
        case .timedOut(let limit): return (.failed, nil, "the program ran longer than its timeout (\(limit.components.seconds) s)")
        case .cancelled: return (.failed, nil, "the job was killed")
        case .unavailable(let reason): return (.failed, nil, reason)
        }
    }

    /// Where a new scheduled job starts counting slots: just past the current minute, so the
    /// minute it was created in does not fire (and the mark is never a claimed slot).
    static func creationMark(_ date: Date) -> Date {
        DeploymentService.minute(date).addingTimeInterval(0.001)
    }
}
