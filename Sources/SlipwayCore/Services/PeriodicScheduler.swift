import Foundation

/// The one scheduler: fires periodic deployments and scheduled jobs on time and analyses the closed windows of
/// active assays every `assayInterval`. Deployments follow `SchedulePlan`: each slot is claimed
/// in the store with a compare-and-set before it runs, so it fires at most once, and the last
/// claimed slot survives restarts (missed slots are coalesced; a slot claimed just before a
/// crash whose execution was never stored is fired at the next start). Assays analyse every window that
/// closed, once each (their position is claimed with their results, see `AssayService.runDue`).
/// Bound capture folders are scanned at start and every `captureInterval` for files no attempt
/// ingested (see `CaptureIngestor.scan`), in the background of the loop; file pipelines likewise
/// every `workflowInterval` for files without a workflow and workflows to take up (see
/// `FileWorkflowDispatcher.scan`). Expired inference
/// records are deleted every `retentionInterval` (see `InferenceRetentionService.runPass`), also
/// in the background, one pass at a time.
public actor PeriodicScheduler {
    let platform: Platform
    let deployments: DeploymentService
    let jobs: JobService?
    let assays: AssayService?
    let assayInterval: TimeInterval
    let captures: CaptureIngestor?
    let captureInterval: TimeInterval
    let workflows: FileWorkflowDispatcher?
    let workflowInterval: TimeInterval
    let retention: InferenceRetentionService?
    let retentionInterval: TimeInterval
    private var nextAssayRun: Date?
    private var nextCaptureScan: Date?
    private var nextWorkflowScan: Date?
    private var nextRetentionPass: Date?
    private var retentionPass: Task<Void, Never>?
    private var loop: Task<Void, Never>?
    /// Whether the first tick has looked for slots lost in a crash.
    private var recovered = false

    public static let defaultAssayInterval: TimeInterval = 60
    public static let defaultCaptureInterval: TimeInterval = 30
    public static let defaultWorkflowInterval: TimeInterval = 10

    public init(platform: Platform, deployments: DeploymentService, jobs: JobService? = nil, assays: AssayService? = nil,
                assayInterval: TimeInterval = defaultAssayInterval, captures: CaptureIngestor? = nil,
                captureInterval: TimeInterval = defaultCaptureInterval, workflows: FileWorkflowDispatcher? = nil,
                workflowInterval: TimeInterval = defaultWorkflowInterval, retention: InferenceRetentionService? = nil,
                retentionInterval: TimeInterval = InferenceRetentionService.defaultInterval) {
        self.platform = platform
        self.deployments = deployments
        self.jobs = jobs
        self.assays = assays
        self.assayInterval = max(0.1, assayInterval)
        self.captures = captures
        self.captureInterval = max(0.1, captureInterval)
        self.workflows = workflows
        self.workflowInterval = max(0.1, workflowInterval)
        self.retention = retention
        self.retentionInterval = max(0.1, retentionInterval)
    }

    public func start() {
        guard loop == nil else { return }
        loop = Task { await self.run() }
    }

    public func stop() {
        loop?.cancel()
        loop = nil
        retentionPass?.cancel()
        retentionPass = nil
    }

    private func run() async {
        while !Task.isCancelled {
            var next = await tick()
            if let due = await tickJobs(), next.map({ due < $0 }) ?? true { next = due }
            if let assays {
                let now = platform.now()
                if nextAssayRun.map({ $0 <= now }) ?? true {
                    await assays.runDue()
                    nextAssayRun = platform.now().addingTimeInterval(assayInterval)
                }
                if let due = nextAssayRun, next.map({ due < $0 }) ?? true { next = due }
            }
            if let captures {
                if nextCaptureScan.map({ $0 <= platform.now() }) ?? true {
                    // In the background: ingesting files must not delay the deployments' slots.
                    captures.startScan()
                    nextCaptureScan = platform.now().addingTimeInterval(captureInterval)
                }
                if let due = nextCaptureScan, next.map({ due < $0 }) ?? true { next = due }
            }
            if let workflows {
                if nextWorkflowScan.map({ $0 <= platform.now() }) ?? true {
                    workflows.startScan()
                    nextWorkflowScan = platform.now().addingTimeInterval(workflowInterval)
                }
                if let due = nextWorkflowScan, next.map({ due < $0 }) ?? true { next = due }
            }
            if let retention {
                if nextRetentionPass.map({ $0 <= platform.now() }) ?? true {
                    // In the background, and never two passes at once: a large deletion must
                    // not delay the deployments' slots or the assays.
                    if retentionPass == nil {
                        retentionPass = Task {
                            await retention.runPass()
                            self.retentionPassEnded()
                        }
                        nextRetentionPass = platform.now().addingTimeInterval(retentionInterval)
                    } else {
                        // The previous pass is still running: look again soon rather than
                        // skipping a whole interval.
                        nextRetentionPass = platform.now().addingTimeInterval(min(retentionInterval, 1))
                    }
                }
                if let due = nextRetentionPass, next.map({ due < $0 }) ?? true { next = due }
            }
            let now = platform.now()
            // Wake up at the next due slot, and at every minute boundary in any case: the first
            // slot of a deployment created since is one (every cron slot is a whole minute).
            let boundary = DeploymentService.minute(now).addingTimeInterval(60)
            let until = min(next ?? boundary, boundary)
            let wait = max(0.001, until.timeIntervalSince(now) + 0.002)
            try? await Task.sleep(for: .microseconds(Int(wait * 1_000_000)))
        }
    }

    /// Fires the due slots of scheduled jobs (the deployments' catch-up policy: missed slots
    /// coalesce into one run); returns the earliest next slot. Each slot is claimed in the store
    /// before it runs, and a job stores one run per slot.
    @discardableResult
    public func tickJobs() async -> Date? {
        guard let jobs else { return nil }
        let now = platform.now()
        let live: [Job]
        do {
            live = try await platform.store.liveScheduledJobs()
        } catch {
            platform.logger.error("scheduler could not list scheduled jobs: \(error)")
            return nil
        }
        var earliest: Date?
        await withTaskGroup(of: Void.self) { group in
            for job in live {
                guard let text = job.schedule, let cron = try? CronExpression(text) else { continue }
                let last = job.lastScheduledAt ?? DeploymentService.minute(job.createdAt)
                let plan = SchedulePlan.plan(cron: cron, lastScheduled: last, now: now)
                if let fire = plan.fire { group.addTask { await jobs.fire(job, slot: fire, previous: job.lastScheduledAt) } }
                if let next = plan.nextCheck, earliest.map({ next < $0 }) ?? true { earliest = next }
            }
        }
        return earliest
    }

    private func retentionPassEnded() {
        retentionPass = nil
    }

    /// Fires what is due; returns the earliest next slot of any periodic deployment. The due
    /// slots are claimed together in one store call and their executions recorded side by side
    /// (at most `firingWidth` at once) before any of them starts, so a thousand deployments
    /// sharing a minute fire within milliseconds of it rather than one after another. The
    /// first tick also recovers slots claimed before a crash whose executions were never
    /// stored (see `recoverable`).
    @discardableResult
    public func tick() async -> Date? {
        let now = platform.now()
        var earliest: Date?
        let all: [Deployment]
        do {
            all = try await platform.store.allDeployments()
        } catch {
            platform.logger.error("scheduler could not list deployments: \(error)")
            return nil
        }
        var due: [Firing] = []
        var unchecked: [Deployment] = []
        for deployment in all where deployment.rule == .periodic && deployment.isEnabled {
            guard let text = deployment.schedule, let cron = try? CronExpression(text) else { continue }
            let last = deployment.lastScheduledAt ?? DeploymentService.minute(deployment.createdAt)
            let plan = SchedulePlan.plan(cron: cron, lastScheduled: last, now: now)
            if let fire = plan.fire {
                due.append(Firing(deployment: deployment, slot: fire, coalesced: plan.coalesced,
                                  claim: ScheduleSlotClaim(deploymentID: deployment.id, previous: deployment.lastScheduledAt,
                                                           slot: fire)))
            } else if !recovered, Self.isClaimedSlot(deployment.lastScheduledAt) {
                unchecked.append(deployment)
            }
            if let next = plan.nextCheck, earliest.map({ next < $0 }) ?? true { earliest = next }
        }
        if !recovered {
            recovered = true
            due += await recoverable(unchecked)
        }
        guard !due.isEmpty else { return earliest }
        let claimed: Set<String>
        do {
            claimed = try await platform.store.claimScheduleSlots(due.map(\.claim))
        } catch {
            platform.logger.error("scheduler could not claim \(due.count) slots: \(error)")
            return earliest
        }
        // Every execution is recorded first, then all of them start: a minute's runs competing
        // for the cores would otherwise hold back the recording of the rest.
        let deployments = deployments
        let recorded = await withTaskGroup(of: (Firing, DeploymentService.RecordedExecution?).self) { group in
            var running = 0
            var recorded: [(Firing, DeploymentService.RecordedExecution?)] = []
            for firing in due where claimed.contains(firing.deployment.id) {
                if running == Self.firingWidth, let next = await group.next() {
                    running -= 1
                    recorded.append(next)
                }
                group.addTask { (firing, await Self.record(firing, deployments: deployments)) }
                running += 1
            }
            for await next in group { recorded.append(next) }
            return recorded
        }
        for case (_, let execution?) in recorded { execution.start() }
        await withTaskGroup(of: Void.self) { group in
            for case (let firing, let execution?) in recorded {
                group.addTask {
                    await deployments.log(firing.deployment, "Scheduled run for \(RFC3339Time.string(from: firing.slot)) "
                        + "started: execution \"\(execution.execution.id)\"")
                }
            }
        }
        return earliest
    }

    /// Executions a tick records at once: enough for the store to commit them in large groups.
    static let firingWidth = 128

    struct Firing: Sendable {
        var deployment: Deployment
        var slot: Date
        var coalesced: Int
        var claim: ScheduleSlotClaim
        var recovering = false
    }

    /// A claimed slot is a whole minute; the marks set when scheduling starts never are.
    static func isClaimedSlot(_ mark: Date?) -> Bool {
        guard let mark else { return false }
        return mark.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
    }

    /// The deployments whose last claimed slot has no execution created at or after it: the
    /// server stopped between the claim and the execution's write. Each is fired again under
    /// a claim that moves its mark by a millisecond (so only one scheduler recovers it, and
    /// the same slot is never recovered twice).
    private func recoverable(_ deployments: [Deployment]) async -> [Firing] {
        let store = platform.store, logger = platform.logger
        return await withTaskGroup(of: Firing?.self) { group in
            var running = 0
            var found: [Firing] = []
            for deployment in deployments {
                if running == Self.firingWidth, let next = await group.next() {
                    running -= 1
                    if let next { found.append(next) }
                }
                running += 1
                group.addTask {
                    guard let slot = deployment.lastScheduledAt else { return nil }
                    do {
                        if let latest = try await store.latestExecution(workspaceID: deployment.workspaceID,
                                                                         deploymentName: deployment.name),
                           latest.createdAt >= slot {
                            return nil
                        }
                    } catch {
                        logger.error("scheduler could not check the last run of deployment \(deployment.id): \(error)")
                        return nil
                    }
                    return Firing(deployment: deployment, slot: slot, coalesced: 0,
                                  claim: ScheduleSlotClaim(deploymentID: deployment.id, previous: slot,
                                                           slot: slot.addingTimeInterval(0.001)),
                                  recovering: true)
                }
            }
            for await next in group { if let next { found.append(next) } }
            return found
        }
    }

    /// Records the slot's execution (not started); nil when it could not be, which is logged.
    private static func record(_ firing: Firing, deployments: DeploymentService) async -> DeploymentService.RecordedExecution? {
        let deployment = firing.deployment
        let stamp = RFC3339Time.string(from: firing.slot)
        if firing.recovering {
            await deployments.log(deployment, "The scheduled run for \(stamp) was claimed before the server stopped "
                + "but never started; running it now")
        } else if firing.coalesced > 0 {
            await deployments.log(deployment, "\(firing.coalesced + 1) scheduled runs were missed while the server was down; "
                + "running once now for \(stamp)")
        }
        do {
            return try await deployments.record(deployment, values: [:], files: [:], trigger: .periodic)
        } catch {
            await deployments.log(deployment, "Scheduled run for \(stamp) could not start: \(error)")
            return nil
        }
    }
}
