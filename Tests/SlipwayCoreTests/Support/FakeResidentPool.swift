import Foundation
import Synchronization

@testable import SlipwayCore

/// A `ResidentWorkerPool` without processes. `start` reports the worker ready at once (or
/// failed, or nothing, per `startOutcome`); admitted jobs get the outcome of `script`.
/// Everything is recorded, and `report(_:to:)` lets a test play the worker (e.g. a crash).
final class FakeResidentPool: ResidentWorkerPool, Sendable {
    typealias Script = @Sendable (ResidentJob) async -> WorkerOutcome
    typealias Reporter = @Sendable (ResidentWorkerReport) async -> Void

    /// What a started worker reports.
    enum StartOutcome: Sendable {
        case ready
        case failed(String)
        /// Stays starting (no report).
        case silent
    }

    private struct Worker {
        var number: UInt64
        var report: Reporter
    }

    private struct State {
        var startOutcome: StartOutcome = .ready
        var script: Script = { _ in .returned([:]) }
        var queueFull = false
        var workers: [String: Worker] = [:]
        var specs: [ResidentWorkerSpec] = []
        var stopped: [String] = []
        var jobs: [ResidentJob] = []
        var released: [ResidentTicket] = []
        var nextNumber: UInt64 = 0
    }

    private let state = Mutex(State())

    func setStartOutcome(_ outcome: StartOutcome) { state.withLock { $0.startOutcome = outcome } }
    func respond(_ outcome: WorkerOutcome) { state.withLock { $0.script = { _ in outcome } } }
    func respond(_ script: @escaping Script) { state.withLock { $0.script = script } }
    /// Admissions are refused as if every slot and the queue were taken.
    func setQueueFull(_ full: Bool) { state.withLock { $0.queueFull = full } }

    var specs: [ResidentWorkerSpec] { state.withLock { $0.specs } }
    var stopped: [String] { state.withLock { $0.stopped } }
    var jobs: [ResidentJob] { state.withLock { $0.jobs } }
    var released: [ResidentTicket] { state.withLock { $0.released } }
    func isRunning(_ deploymentID: String) -> Bool { state.withLock { $0.workers[deploymentID] != nil } }

    /// Sends a report as the deployment's worker would.
    func report(_ report: ResidentWorkerReport, to deploymentID: String) async {
        guard let worker = state.withLock({ $0.workers[deploymentID] }) else { return }
        await worker.report(report)
    }

    func start(_ spec: ResidentWorkerSpec, report: @escaping @Sendable (ResidentWorkerReport) async -> Void) async {
        let outcome = state.withLock { state -> StartOutcome in
            state.nextNumber += 1
            state.specs.append(spec)
            state.workers[spec.deploymentID] = Worker(number: state.nextNumber, report: report)
            return state.startOutcome
        }
        let line = { (text: String) in LogLine(timestamp: Date(), stream: .system, message: text) }
        switch outcome {
        case .ready:
            await report(.status(.workerReady, line("worker ready")))
        case .failed(let reason):
            state.withLock { _ = $0.workers.removeValue(forKey: spec.deploymentID) }
            await report(.status(.workerFailed(reason), line("worker failed: \(reason)")))
        case .silent:
            break
        }
    }

    func stop(deploymentID: String) async {
        state.withLock { state in
            state.workers[deploymentID] = nil
            state.stopped.append(deploymentID)
        }
    }

    func admit(deploymentID: String) -> ResidentAdmission {
        state.withLock { state in
            guard let worker = state.workers[deploymentID] else { return .notRunning }
            if state.queueFull { return .queueFull(limit: 2) }
            state.nextNumber += 1
            return .admitted(ResidentTicket(deploymentID: deploymentID, number: state.nextNumber, startsNow: true,
                                            worker: worker.number))
        }
    }

    func submit(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                completion: @escaping @Sendable (WorkerOutcome) -> Void) {
        Task { completion(await self.run(ticket, job: job, log: log)) }
    }

    func run(_ ticket: ResidentTicket, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        let script = state.withLock { state -> Script in
            state.jobs.append(job)
            return state.script
        }
        return await script(job)
    }

    func release(_ ticket: ResidentTicket) {
        state.withLock { $0.released.append(ticket) }
    }

    func pods(deploymentID: String) async -> [PodInfo] {
        state.withLock { state in
            state.workers[deploymentID].map { [PodInfo(id: "\(deploymentID)-\($0.number)", status: "running")] } ?? []
        }
    }

    func processes() async -> [WorkerProcess] { [] }
}
