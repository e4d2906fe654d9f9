import Foundation
import Logging
import SlipwayCore
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The resident worker process of one low-latency deployment, driven by
/// `ResidentWorkerStateMachine` (life of the process) and `ResidentDispatchState` (admission).
/// A thin actor: it performs the machines' decisions and moves messages between the
/// process's pipes and the waiting executions.
actor ResidentWorker {
    let spec: ResidentWorkerSpec
    let report: @Sendable (ResidentWorkerReport) async -> Void
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger

    private var machine = ResidentWorkerStateMachine()
    private var dispatch: ResidentDispatchState<UInt64>
    private var nextTicket: UInt64 = 0
    /// Queued tickets waiting to be sent: resumed with true to go, false to give up.
    private var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
    /// Tickets moved to running before their `run` call arrived.
    private var cleared: Set<UInt64> = []
    private var calls: [String: Call] = [:]
    private var link: ProcessLink?
    private var processCount = 0
    private var stopRequested = false

    struct Call {
        var ticket: UInt64
        var continuation: CheckedContinuation<WorkerOutcome, Never>
        var log: @Sendable (LogLine) -> Void
        var watchdog: Task<Void, Never>?
    }

    struct ProcessLink {
        var number: Int
        var requests: AsyncStream<String>.Continuation
        var pid: Int32?
        var startedAt: Date
        /// Execution whose timeout caused the kill, if any.
        var timedOut: String?
    }

    init(spec: ResidentWorkerSpec, runsRoot: URL, workerPythonPath: String, logger: Logger,
         report: @escaping @Sendable (ResidentWorkerReport) async -> Void) {
        self.spec = spec
        self.report = report
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
        self.dispatch = ResidentDispatchState(capacity: spec.concurrency, queueLimit: spec.queueLimit)
    }

    // MARK: - Life cycle

    func start() async {
        await perform(machine.handle(.start))
    }

    func stop() async {
        stopRequested = true
        await perform(machine.handle(.stop))
        for ticket in dispatch.close() { waiters.removeValue(forKey: ticket)?.resume(returning: false) }
    }

    var pod: PodInfo {
        let status: String
        switch machine.state {
        case .idle, .starting: status = "pending"
        case .ready: status = "running"
        case .stopping, .stopped: status = "terminated"
        case .failed: status = "failed"
        }
        let pid = link?.pid
        return PodInfo(id: "\(spec.deploymentName)-\(spec.generation)-\(processCount)", status: status, pid: pid,
                       startedAt: link?.startedAt)
    }

    var pid: Int32? { link?.pid }

    private func perform(_ actions: [ResidentWorkerStateMachine.Action]) async {
        for action in actions {
            switch action {
            case .spawn(let delay):
                spawn(after: delay)
            case .report(let event, let text):
                await report(.status(event, LogLine(timestamp: Date(), stream: .system, message: text)))
            case .failInFlight(let reason):
                failInFlight(reason)
                if case .failed = machine.state {
                    for ticket in dispatch.close() { waiters.removeValue(forKey: ticket)?.resume(returning: false) }
                }
            case .terminateProcess:
                terminate()
            case .none:
                break
            }
        }
    }

    private func spawn(after delay: Duration) {
        processCount += 1
        let number = processCount
        let (requests, continuation) = AsyncStream<String>.makeStream()
        link = ProcessLink(number: number, requests: continuation, pid: nil, startedAt: Date())
        let spec = spec
        let work = runsRoot.appendingPathComponent("deployment-\(spec.deploymentID)")
        var env = SubprocessElasticLauncher.processEnvironment(
            python: spec.pythonExecutable, base: spec.environment, work: work, runsRoot: runsRoot,
            workerPythonPath: workerPythonPath)
        env["SLIPWAY_DEPLOYMENT"] = spec.deploymentName
        var arguments = ["-u", "-m", "slipway_worker", "--code-dir", spec.codeDirectory.path,
                         "--function-path", spec.functionPath, "--function-name", spec.functionName,
                         "--mode", "resident", "--max-parallel", String(spec.concurrency)]
        if let limit = spec.memoryLimitBytes { arguments += ["--memory-limit-bytes", String(limit)] }
        let environment = env
        Task.detached { [weak self] in
            if delay > .zero { try? await Task.sleep(for: delay) }
            try? FileManager.default.createDirectory(at: work.appendingPathComponent("tmp"), withIntermediateDirectories: true)
            var options = PlatformOptions()
            options.processGroupID = 0
            let description: String
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(spec.pythonExecutable)), arguments: Arguments(arguments),
                    environment: .custom(Dictionary(uniqueKeysWithValues: environment.map {
                        (Environment.Key(stringLiteral: $0.key), $0.value)
                    })),
                    workingDirectory: FilePath(spec.codeDirectory.path), platformOptions: options,
                    input: .inputWriter, output: .sequence, error: .sequence
                ) { execution in
                    await self?.attached(number, pid: execution.processIdentifier.value)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(64 << 20)) {
                                guard !line.isEmpty else { continue }
                                await self?.received(line, from: number)
                            }
                            continuation.finish()
                        }
                        group.addTask {
                            for try await line in execution.standardError.strings() {
                                await self?.diagnostic(line, from: number)
                            }
                        }
                        group.addTask {
                            for await request in requests {
                                _ = try await execution.standardInputWriter.write(request)
                            }
                            try await execution.standardInputWriter.finish()
                        }
                        try await group.waitForAll()
                    }
                }
                switch result.terminationStatus {
                case .exited(let code): description = "the worker process exited with code \(code)"
                case .signaled(let signal):
                    description = signal == SIGKILL ? "the worker process was killed (SIGKILL: timeout or out of memory)"
                        : "the worker process was killed by signal \(signal)"
                }
            } catch {
                description = "the worker process could not run: \(error)"
            }
            continuation.finish()
            await self?.exited(number, description: description)
        }
    }

    private func attached(_ number: Int, pid: Int32) {
        guard link?.number == number else { return }
        link?.pid = pid
    }

    private func terminate() {
        guard let link else { return }
        link.requests.yield("{\"type\":\"shutdown\"}\n")
        link.requests.finish()
        let pid = link.pid
        let grace = spec.executionTimeout
        Task.detached { [weak self] in
            try? await Task.sleep(for: min(grace, .seconds(30)))
            if let pid, await self?.isCurrent(pid: pid) == true { kill(-pid, SIGKILL) }
        }
    }

    private func isCurrent(pid: Int32) -> Bool { link?.pid == pid }

    private func exited(_ number: Int, description: String) async {
        guard link?.number == number else { return }
        let timedOut = link?.timedOut
        link = nil
        if stopRequested {
            await perform(machine.handle(.stoppedCompletely))
            return
        }
        if let timedOut, let call = calls.removeValue(forKey: timedOut) {
            complete(call, outcome: .timedOut(spec.executionTimeout), executionID: timedOut, release: false)
            await report(.log(LogLine(timestamp: Date(), stream: .system,
                message: "Execution \"\(timedOut)\" exceeded its timeout of \(spec.executionTimeout.components.seconds) s; "
                    + "the worker was stopped and is being replaced")))
        }
        await perform(machine.handle(.exited(description)))
    }

    private func failInFlight(_ reason: String) {
        let lost = dispatch.workerLost()
        _ = lost
        let inFlight = calls
        calls.removeAll()
        for (id, call) in inFlight {
            complete(call, outcome: .crashed(reason), executionID: id, release: false)
        }
    }

    // MARK: - Messages from the process

    private func received(_ line: String, from number: Int) async {
        guard link?.number == number else { return }
        guard let message = try? WorkerMessage(line: line) else {
            await report(.log(LogLine(timestamp: Date(), stream: .stdout, message: line)))
            return
        }
        switch message {
        case .ready:
            await perform(machine.handle(.ready))
            for ticket in dispatch.workerReady() { clear(ticket) }
        case .loadError(let type, let text, let traceback):
            for tracebackLine in (traceback ?? "").split(separator: "\n") {
                await report(.log(LogLine(timestamp: Date(), stream: .stderr, message: String(tracebackLine))))
            }
            await perform(machine.handle(.loadFailed("\(type): \(text)")))
        case .log(let executionID, let stream, let time, let text):
            let line = LogLine(timestamp: time, stream: stream, message: text)
            if let executionID, let call = calls[executionID] {
                call.log(line)
            } else {
                await report(.log(line))
            }
        case .result(let id, let outputs):
            finish(id, outcome: .returned(outputs))
        case .error(let id, let type, let text, _):
            finish(id, outcome: .raised(type: type, message: text))
        case .protocolError(let text):
            await report(.log(LogLine(timestamp: Date(), stream: .system, message: "worker protocol error: \(text)")))
        }
    }

    private func diagnostic(_ line: String, from number: Int) async {
        await report(.log(LogLine(timestamp: Date(), stream: .stderr, message: line)))
    }

    // MARK: - Executions

    func admit() -> ResidentAdmission {
        switch machine.state {
        case .failed, .stopping, .stopped, .idle:
            return .notRunning
        case .starting, .ready:
            break
        }
        nextTicket += 1
        let ticket = nextTicket
        var startsNow = false
        switch dispatch.submit(ticket) {
        case .dispatch:
            cleared.insert(ticket)
            startsNow = true
        case .queued: break
        case .rejected: return .queueFull(limit: spec.queueLimit)
        }
        return .admitted(ResidentTicket(deploymentID: spec.deploymentID, number: ticket, startsNow: startsNow))
    }

    func release(_ ticket: UInt64) {
        if cleared.remove(ticket) != nil {
            for next in dispatch.finish(ticket) { clear(next) }
        } else if dispatch.withdraw(ticket) {
            waiters.removeValue(forKey: ticket)?.resume(returning: false)
        }
    }

    private func clear(_ ticket: UInt64) {
        if let waiter = waiters.removeValue(forKey: ticket) {
            cleared.insert(ticket)
            waiter.resume(returning: true)
        } else {
            cleared.insert(ticket)
        }
    }

    func run(_ ticket: UInt64, job: WorkerJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        if !cleared.contains(ticket) {
            guard dispatch.waiting.contains(ticket) else {
                return .unavailable("the deployment's worker is not running")
            }
            let go = await withCheckedContinuation { waiters[ticket] = $0 }
            guard go else { return .unavailable("the deployment's worker stopped before the execution could start") }
        }
        cleared.remove(ticket)
        guard let link, machine.acceptsExecutions else {
            for next in dispatch.finish(ticket) { clear(next) }
            return .unavailable("the deployment's worker is not running")
        }
        var arguments = job.arguments
        if !job.fileArguments.isEmpty {
            do {
                arguments = try SubprocessElasticLauncher.prepareArguments(
                    job, work: runsRoot.appendingPathComponent(job.executionID))
            } catch {
                for next in dispatch.finish(ticket) { clear(next) }
                return .unavailable("could not prepare the input files: \(error)")
            }
        }
        let executionID = job.executionID
        let timeout = job.timeout
        return await withCheckedContinuation { continuation in
            let watchdog = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { await self?.timedOut(executionID) }
            }
            calls[executionID] = Call(ticket: ticket, continuation: continuation, log: log, watchdog: watchdog)
            link.requests.yield(WorkerMessage.executeRequest(executionID: executionID, inputs: arguments))
        }
    }

    private func finish(_ executionID: String, outcome: WorkerOutcome) {
        guard let call = calls.removeValue(forKey: executionID) else { return }
        complete(call, outcome: outcome, executionID: executionID, release: true)
    }

    private func complete(_ call: Call, outcome: WorkerOutcome, executionID: String, release: Bool) {
        call.watchdog?.cancel()
        call.continuation.resume(returning: outcome)
        if release {
            for next in dispatch.finish(call.ticket) { clear(next) }
        }
    }

    /// A thread cannot be stopped from outside: the whole process is killed and replaced.
    private func timedOut(_ executionID: String) {
        guard calls[executionID] != nil, var current = link, let pid = current.pid else { return }
        current.timedOut = executionID
        link = current
        kill(-pid, SIGKILL)
    }
}
