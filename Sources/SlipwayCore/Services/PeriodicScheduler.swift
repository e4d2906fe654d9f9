import Foundation

/// The one scheduler: fires periodic deployments on time and analyses the closed windows of
/// active assays every `assayInterval`. Deployments follow `SchedulePlan`: each slot is claimed
/// in the store with a compare-and-set before it runs, so it fires at most once, and the last
/// claimed slot survives restarts (missed slots are coalesced). Assays analyse every window that
/// closed, once each (their position is claimed with their results, see `AssayService.runDue`).
/// Bound capture folders are scanned at start and every `captureInterval` for files no attempt
/// ingested (see `CaptureIngestor.scan`), in the background of the loop. Expired inference
/// records are deleted every `retentionInterval` (see `InferenceRetentionService.runPass`), also
/// in the background, one pass at a time.
public actor PeriodicScheduler {
    let platform: Platform
    let deployments: DeploymentService
    let assays: AssayService?
    let assayInterval: TimeInterval
    let captures: CaptureIngestor?
    let captureInterval: TimeInterval
    let retention: InferenceRetentionService?
    let retentionInterval: TimeInterval
    private var nextAssayRun: Date?
    private var nextCaptureScan: Date?
    private var nextRetentionPass: Date?
    private var retentionPass: Task<Void, Never>?
    private var loop: Task<Void, Never>?
    private var wake: CheckedContinuation<Void, Never>?

    public static let defaultAssayInterval: TimeInterval = 60
    public static let defaultCaptureInterval: TimeInterval = 30

    public init(platform: Platform, deployments: DeploymentService, assays: AssayService? = nil,
                assayInterval: TimeInterval = defaultAssayInterval, captures: CaptureIngestor? = nil,
                captureInterval: TimeInterval = defaultCaptureInterval, retention: InferenceRetentionService? = nil,
                retentionInterval: TimeInterval = InferenceRetentionService.defaultInterval) {
        self.platform = platform
        self.deployments = deployments
        self.assays = assays
        self.assayInterval = max(0.1, assayInterval)
        self.captures = captures
        self.captureInterval = max(0.1, captureInterval)
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
        wake?.resume()
        wake = nil
    }

    private func run() async {
        while !Task.isCancelled {
            var next = await tick()
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
            // Wake up at the next due slot, but at least every 30 s to see new deployments.
            let wait = max(0.05, min(30, (next ?? now.addingTimeInterval(30)).timeIntervalSince(now) + 0.01))
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    private func retentionPassEnded() {
        retentionPass = nil
    }

    /// Fires what is due; returns the earliest next slot of any periodic deployment.
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
        for deployment in all where deployment.rule == .periodic && deployment.isEnabled {
            guard let text = deployment.schedule, let cron = try? CronExpression(text) else { continue }
            let last = deployment.lastScheduledAt ?? DeploymentService.minute(deployment.createdAt)
            let plan = SchedulePlan.plan(cron: cron, lastScheduled: last, now: now)
            if let fire = plan.fire {
                await fireSlot(fire, coalesced: plan.coalesced, deployment: deployment, previous: deployment.lastScheduledAt)
            }
            if let next = plan.nextCheck, earliest.map({ next < $0 }) ?? true { earliest = next }
        }
        return earliest
    }

    private func fireSlot(_ slot: Date, coalesced: Int, deployment: Deployment, previous: Date?) async {
        guard (try? await platform.store.claimScheduleSlot(id: deployment.id, previous: previous, slot: slot)) == true else {
            return
        }
        let stamp = RFC3339Time.string(from: slot)
        if coalesced > 0 {
            await deployments.log(deployment, "\(coalesced + 1) scheduled runs were missed while the server was down; "
                + "running once now for \(stamp)")
        }
        do {
            let (execution, _) = try await deployments.trigger(deployment, values: [:], files: [:], trigger: .periodic)
            await deployments.log(deployment, "Scheduled run for \(stamp) started: execution \"\(execution.id)\"")
        } catch {
            await deployments.log(deployment, "Scheduled run for \(stamp) could not start: \(error)")
        }
    }
}
