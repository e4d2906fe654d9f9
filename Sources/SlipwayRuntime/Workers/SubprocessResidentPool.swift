import Foundation
import Logging
import SlipwayCore

/// Resident workers of every low-latency deployment, one `ResidentWorker` actor each.
public final class SubprocessResidentPool: ResidentWorkerPool, @unchecked Sendable {
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger
    private let lock = NSLock()
    private var workers: [String: ResidentWorker] = [:]

    public init(runsRoot: URL, workerPythonPath: String, logger: Logger) {
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
    }

    private func worker(_ deploymentID: String) -> ResidentWorker? {
        lock.withLock { workers[deploymentID] }
    }

    public func start(_ spec: ResidentWorkerSpec, report: @escaping @Sendable (ResidentWorkerReport) async -> Void) async {
        let worker = ResidentWorker(spec: spec, runsRoot: runsRoot, workerPythonPath: workerPythonPath, logger: logger,
                                    report: report)
        let previous = lock.withLock { workers.updateValue(worker, forKey: spec.deploymentID) }
        await previous?.stop()
        await worker.start()
    }

    public func stop(deploymentID: String) async {
        let worker = lock.withLock { workers.removeValue(forKey: deploymentID) }
        await worker?.stop()
    }

    public func admit(deploymentID: String) async -> ResidentAdmission {
        guard let worker = worker(deploymentID) else { return .notRunning }
        return await worker.admit()
    }

    public func run(_ ticket: ResidentTicket, job: WorkerJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        guard let worker = worker(ticket.deploymentID) else { return .unavailable("the deployment's worker is not running") }
        return await worker.run(ticket.number, job: job, log: log)
    }

    public func release(_ ticket: ResidentTicket) async {
        await worker(ticket.deploymentID)?.release(ticket.number)
    }

    public func pods(deploymentID: String) async -> [PodInfo] {
        guard let worker = worker(deploymentID) else { return [] }
        return [await worker.pod]
    }

    public func processes() async -> [WorkerProcess] {
        let all = lock.withLock { Array(workers.values) }
        var result: [WorkerProcess] = []
        for worker in all {
            if let pid = await worker.pid { result.append(WorkerProcess(name: worker.spec.deploymentName, pid: pid)) }
        }
        return result
    }

    /// Stops every worker (server shutdown).
    public func stopAll() async {
        let all = lock.withLock {
            let current = workers
            workers.removeAll()
            return current
        }
        for worker in all.values { await worker.stop() }
    }
}
