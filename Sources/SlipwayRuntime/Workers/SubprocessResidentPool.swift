import Foundation
import Logging
import SlipwayCore
import Synchronization

/// Resident workers of every low-latency deployment, one `ResidentWorker` each.
public final class SubprocessResidentPool: ResidentWorkerPool, Sendable {
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger
    private let workers = Mutex<[String: ResidentWorker]>([:])

    public init(runsRoot: URL, workerPythonPath: String, logger: Logger) {
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
    }

    private func worker(_ deploymentID: String) -> ResidentWorker? {
        workers.withLock { $0[deploymentID] }
    }

    public func start(_ spec: ResidentWorkerSpec, report: @escaping @Sendable (ResidentWorkerReport) async -> Void) async {
        let worker = ResidentWorker(spec: spec, runsRoot: runsRoot, workerPythonPath: workerPythonPath, logger: logger,
                                    report: report)
        let previous = workers.withLock { $0.updateValue(worker, forKey: spec.deploymentID) }
        previous?.stop()
        worker.start()
    }

    public func stop(deploymentID: String) async {
        let worker = workers.withLock { $0.removeValue(forKey: deploymentID) }
        worker?.stop()
    }

    public func admit(deploymentID: String) -> ResidentAdmission {
        guard let worker = worker(deploymentID) else { return .notRunning }
        return worker.admit()
    }

    public func submit(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                       completion: @escaping @Sendable (WorkerOutcome) -> Void) {
        guard let worker = worker(ticket.deploymentID) else {
            return completion(.unavailable("the deployment's worker is not running"))
        }
        worker.submit(ticket.number, job: job, log: log, completion: completion)
    }

    public func run(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        await withCheckedContinuation { continuation in
            submit(ticket, job: job, log: log) { continuation.resume(returning: $0) }
        }
    }

    public func release(_ ticket: ResidentTicket) {
        worker(ticket.deploymentID)?.release(ticket.number)
    }

    public func pods(deploymentID: String) async -> [PodInfo] {
        guard let worker = worker(deploymentID) else { return [] }
        return [worker.pod]
    }

    public func processes() async -> [WorkerProcess] {
        workers.withLock { Array($0.values) }.compactMap { worker in
            worker.pid.map { WorkerProcess(name: worker.spec.deploymentName, pid: $0) }
        }
    }

    /// Stops every worker (server shutdown).
    public func stopAll() async {
        let all = workers.withLock { current in
            defer { current.removeAll() }
            return current
        }
        for worker in all.values { worker.stop() }
    }
}
