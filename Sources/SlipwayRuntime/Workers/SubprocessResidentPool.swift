import Foundation
import Logging
import SlipwayCore
import Synchronization

/// Resident workers of every low-latency deployment, one `ResidentWorker` each.
public final class SubprocessResidentPool: ResidentWorkerPool, Sendable {
    let runsRoot: URL
    let blobs: any BlobStore
    let workerPythonPath: String
    let logger: Logger
    private let workers = Mutex(Workers())

    private struct Workers {
        /// The current worker of each deployment.
        var current: [String: ResidentWorker] = [:]
        /// Workers replaced by a reload, finishing what they admitted.
        var retiring: [UInt64: ResidentWorker] = [:]
        var lastSerial: UInt64 = 0
    }

    public init(runsRoot: URL, workerPythonPath: String, blobs: any BlobStore, logger: Logger) {
        self.blobs = blobs
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
    }

    private func worker(_ deploymentID: String) -> ResidentWorker? {
        workers.withLock { $0.current[deploymentID] }
    }

    /// The worker that issued a ticket: the current one, or one retiring after a reload.
    private func worker(_ ticket: ResidentTicket) -> ResidentWorker? {
        workers.withLock { workers in
            if let current = workers.current[ticket.deploymentID], current.serial == ticket.worker { return current }
            return workers.retiring[ticket.worker]
        }
    }

    /// Starts the deployment's worker. A previous one (a reload) retires: new executions go to
    /// the new worker (waiting for it to be ready), while the previous one finishes those it
    /// already admitted and then stops.
    public func start(_ spec: ResidentWorkerSpec, report: @escaping @Sendable (ResidentWorkerReport) async -> Void) async {
        let (worker, previous) = workers.withLock { workers -> (ResidentWorker, ResidentWorker?) in
            workers.retiring = workers.retiring.filter { !$0.value.isStopped }
            workers.lastSerial += 1
            let worker = ResidentWorker(spec: spec, serial: workers.lastSerial, runsRoot: runsRoot,
                                        workerPythonPath: workerPythonPath, logger: logger, report: report)
            let previous = workers.current.updateValue(worker, forKey: spec.deploymentID)
            if let previous { workers.retiring[previous.serial] = previous }
            return (worker, previous)
        }
        previous?.retire()
        worker.start()
    }

    /// Stops the deployment's workers, a retiring one included.
    public func stop(deploymentID: String) async {
        let stopped = workers.withLock { workers -> [ResidentWorker] in
            var stopped = workers.retiring.values.filter { $0.spec.deploymentID == deploymentID }
            for worker in stopped { workers.retiring[worker.serial] = nil }
            if let current = workers.current.removeValue(forKey: deploymentID) { stopped.append(current) }
            return stopped
        }
        for worker in stopped { worker.stop() }
    }

    public func admit(deploymentID: String) -> ResidentAdmission {
        guard let worker = worker(deploymentID) else { return .notRunning }
        return worker.admit()
    }

    public func submit(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                       completion: @escaping @Sendable (WorkerOutcome) -> Void) {
        guard let worker = worker(ticket) else {
            return completion(.unavailable("the deployment's worker is not running"))
        }
        worker.submit(ticket.number, job: job, log: log, completion: completion)
    }

    public func run(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        var job = job
        if !job.fileArguments.isEmpty {
            do {
                job.arguments = try await SubprocessElasticLauncher.prepareArguments(
                    job.arguments, files: job.fileArguments, work: runsRoot.appendingPathComponent(job.executionID),
                    blobs: blobs)
                job.fileArguments = [:]
            } catch {
                logger.error("could not prepare the input files of execution \(job.executionID): \(error)")
                log(LogLine(timestamp: Date(), stream: .system, message: "Could not prepare the input files: \(error)"))
                worker(ticket)?.release(ticket.number)
                return .unavailable("could not prepare the input files")
            }
        }
        let prepared = job
        return await withCheckedContinuation { continuation in
            submit(ticket, job: prepared, log: log) { continuation.resume(returning: $0) }
        }
    }

    public func release(_ ticket: ResidentTicket) {
        worker(ticket)?.release(ticket.number)
    }

    public func pods(deploymentID: String) async -> [PodInfo] {
        guard let worker = worker(deploymentID) else { return [] }
        return [worker.pod]
    }

    public func processes() async -> [WorkerProcess] {
        workers.withLock { Array($0.current.values) + Array($0.retiring.values) }.compactMap { worker in
            worker.pid.map { WorkerProcess(name: worker.spec.deploymentName, pid: $0) }
        }
    }

    /// Stops every worker (server shutdown).
    public func stopAll() async {
        let all = workers.withLock { workers -> [ResidentWorker] in
            defer { workers = Workers(lastSerial: workers.lastSerial) }
            return Array(workers.current.values) + Array(workers.retiring.values)
        }
        for worker in all { worker.stop() }
    }
}
