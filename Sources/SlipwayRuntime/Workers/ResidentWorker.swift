import Foundation
import Logging
import SlipwayCore
import Subprocess
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The resident worker of one low-latency deployment: the I/O owner of a `WorkerSupervisor`.
///
/// Every decision is the supervisor's; this type keeps it behind one lock, turns what its
/// processes, pipes and timers do into events, and performs the returned actions outside the
/// lock. It is not an actor because the execution path must not hop between threads:
/// admission, sending a request (`ResidentChannel.send`, one `write`) and delivering a result
/// (on the channel's reader thread) each take the lock once and complete the execution
/// directly. Reports to the deployment go through an ordered stream.
final class ResidentWorker: Sendable {
    typealias Supervisor = WorkerSupervisor<Call, ResidentChannel>

    let spec: ResidentWorkerSpec
    /// Unique in the pool: tickets name the worker that issued them.
    let serial: UInt64
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger
    private let reports: AsyncStream<ResidentWorkerReport>.Continuation
    private let supervisor: Mutex<Supervisor>

    /// Largest line the worker may write (a result with big outputs).
    static let maxLineLength = 64 << 20

    /// What sending and answering one execution takes.
    struct Call: Sendable {
        var request: [UInt8]
        var completion: @Sendable (WorkerOutcome) -> Void
        var log: @Sendable (LogLine) -> Void
    }

    init(spec: ResidentWorkerSpec, serial: UInt64 = 0, runsRoot: URL, workerPythonPath: String, logger: Logger,
         report: @escaping @Sendable (ResidentWorkerReport) async -> Void) {
        self.spec = spec
        self.serial = serial
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
        self.supervisor = Mutex(Supervisor(configuration: .init(
            concurrency: spec.concurrency, queueLimit: spec.queueLimit, executionTimeout: spec.executionTimeout)))
        let (stream, continuation) = AsyncStream<ResidentWorkerReport>.makeStream()
        self.reports = continuation
        Task {
            for await item in stream { await report(item) }
        }
    }

    deinit {
        reports.finish()
    }

    private func handle(_ event: Supervisor.Event) {
        perform(supervisor.withLock { $0.handle(event) })
    }

    // MARK: - Life cycle

    func start() { handle(.start) }

    func stop() { handle(.stop) }

    /// Retires the worker after a reload: it admits no new execution, runs the ones it already
    /// admitted (running and queued) and then stops. A worker that is not ready stops at once.
    func retire() { handle(.retire) }

    /// Whether the worker has stopped for good (retired workers are then forgotten).
    var isStopped: Bool { supervisor.withLock { $0.isStopped } }

    var pod: PodInfo {
        supervisor.withLock { supervisor in
            let status: String
            switch supervisor.phase {
            case .idle, .starting: status = "pending"
            case .ready: status = "running"
            case .stopping, .stopped: status = "terminated"
            case .failed: status = "failed"
            }
            return PodInfo(id: "\(spec.deploymentName)-\(spec.generation)-\(supervisor.processCount)", status: status,
                           pid: supervisor.process?.pid, startedAt: supervisor.process?.startedAt)
        }
    }

    var pid: Int32? { supervisor.withLock { $0.process?.pid } }

    private func perform(_ actions: [Supervisor.Action]) {
        for action in actions {
            switch action {
            case .spawn(let generation): openPipes(generation)
            case .launch(let generation, let channel, let delay): launch(generation, channel: channel, after: delay)
            case .discard(let channel): channel.discard()
            case .send(let channel, let call):
                // A refused write means the process is gone: its exit fails the call with the others.
                channel.send(call.request)
            case .complete(let call, let outcome): call.completion(outcome)
            case .status(let event, let text):
                reports.yield(.status(event, LogLine(timestamp: Date(), stream: .system, message: text)))
            case .log(let text): systemLog(text)
            case .terminate(let generation, let channel, let grace): terminate(generation, channel: channel, grace: grace)
            case .kill(let pid): kill(-pid, SIGKILL)
            case .scheduleDeadlineCheck(let delay):
                Task.detached { [weak self] in
                    try? await Task.sleep(for: delay)
                    self?.handle(.deadlineCheck(at: .now))
                }
            case .removeWorkingDirectory: WorkingCopy(runsRoot: runsRoot).remove(workFolder)
            }
        }
    }

    private func systemLog(_ text: String) {
        reports.yield(.log(LogLine(timestamp: Date(), stream: .system, message: text)))
    }

    /// The worker's own folder: a copy of the code (working directory and `--code-dir`, made
    /// anew for each process) and its temporary files. Parallel executions of the process share
    /// it, as they would share a pod; the stored code is never written to.
    var workFolder: URL { runsRoot.appendingPathComponent("worker-\(spec.deploymentID)-\(serial)") }

    private func openPipes(_ generation: Int) {
        do {
            let channel = try ResidentChannel()
            handle(.pipesOpened(generation: generation, channel: channel, at: Date()))
        } catch {
            // No pipes (descriptor limit): the attempt counts as a process that died at once.
            handle(.exited(generation: generation, "could not create the worker's pipes: \(error)", at: .now))
        }
    }

    private func launch(_ generation: Int, channel: ResidentChannel, after delay: Duration) {
        let spec = spec
        let work = workFolder
        let code = work.appendingPathComponent("code")
        var env = SubprocessElasticLauncher.processEnvironment(
            python: spec.pythonExecutable, base: spec.environment, work: work, runsRoot: runsRoot,
            workerPythonPath: workerPythonPath)
        env["SLIPWAY_DEPLOYMENT"] = spec.deploymentName
        var arguments = ["-u", "-m", "slipway_worker", "--code-dir", code.path,
                         "--function-path", spec.functionPath, "--function-name", spec.functionName,
                         "--mode", "resident", "--max-parallel", String(spec.concurrency)]
        if let limit = spec.memoryLimitBytes { arguments += ["--memory-limit-bytes", String(limit)] }
        let environment = env
        let outputEnded = Mutex(false)
        channel.startReading(maxLineLength: Self.maxLineLength, onLine: { [weak self] line in
            self?.received(line, from: generation)
        }, onDiagnostic: { [weak self] line in
            self?.reports.yield(.log(LogLine(timestamp: Date(), stream: .stderr, message: line)))
        }, onEnd: {
            outputEnded.withLock { $0 = true }
        })
        // The task holds the worker until its process has exited and been accounted for: a
        // worker stopped and dropped by the pool still completes what its process was running.
        Task.detached { [self] in
            if delay > .zero { try? await Task.sleep(for: delay) }
            do {
                try FileManager.default.createDirectory(at: work.appendingPathComponent("tmp"), withIntermediateDirectories: true)
                try WorkingCopy(runsRoot: self.runsRoot).make(of: spec.codeDirectory, at: code)
            } catch {
                self.logger.error("could not prepare the working directory of \(spec.deploymentName): \(error)")
                self.systemLog("Could not prepare the worker's working directory: \(error)")
                channel.closeChild()
                self.handle(.exited(generation: generation, "the worker's working directory could not be prepared", at: .now))
                return
            }
            var options = PlatformOptions()
            options.processGroupID = 0
            let description: String
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(spec.pythonExecutable)), arguments: Arguments(arguments),
                    environment: .custom(Dictionary(uniqueKeysWithValues: environment.map {
                        (Environment.Key(stringLiteral: $0.key), $0.value)
                    })),
                    workingDirectory: FilePath(code.path), platformOptions: options,
                    input: .fileDescriptor(channel.childInput, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(channel.childOutput, closeAfterSpawningProcess: true),
                    error: .fileDescriptor(channel.childError, closeAfterSpawningProcess: true)
                ) { execution in
                    self.handle(.attached(generation: generation, pid: execution.processIdentifier.value))
                }
                switch result.terminationStatus {
                case .exited(let code): description = "the worker process exited with code \(code)"
                case .signaled(let signal):
                    description = signal == SIGKILL ? "the worker process was killed (SIGKILL: timeout or out of memory)"
                        : "the worker process was killed by signal \(signal)"
                }
            } catch {
                self.logger.error("the worker process of \(spec.deploymentName) could not run: \(error)")
                self.systemLog("The worker process could not run: \(error)")
                description = "the worker process could not be started"
            }
            channel.closeInput()
            // Lines written just before the exit are still being read: let them arrive first
            // (bounded, in case a child process of the worker keeps the pipes open).
            for _ in 0..<200 where !outputEnded.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            self.handle(.exited(generation: generation, description, at: .now))
        }
    }

    /// Asks the worker to finish; the supervisor kills it if it has not after the grace period.
    private func terminate(_ generation: Int, channel: ResidentChannel, grace: Duration) {
        channel.send(Array("{\"type\":\"shutdown\"}\n".utf8))
        channel.closeInput()
        Task.detached { [weak self] in
            try? await Task.sleep(for: grace)
            self?.handle(.graceExpired(generation: generation))
        }
    }

    // MARK: - Messages from the process (reader thread)

    private func received(_ bytes: UnsafeBufferPointer<UInt8>, from generation: Int) {
        guard let message = try? WorkerMessage(bytes: bytes) else {
            reports.yield(.log(LogLine(timestamp: Date(), stream: .stdout, message: String(decoding: bytes, as: UTF8.self))))
            return
        }
        switch message {
        case .result(let id, let outputs):
            handle(.result(generation: generation, executionID: id, .returned(outputs), at: .now))
        case .error(let id, let type, let text, _):
            handle(.result(generation: generation, executionID: id, .raised(type: type, message: text), at: .now))
        case .log(let executionID, let stream, let time, let text):
            let line = LogLine(timestamp: time, stream: stream, message: text)
            if let executionID, let log = supervisor.withLock({ $0.request(forExecution: executionID)?.log }) {
                log(line)
            } else {
                reports.yield(.log(line))
            }
        case .ready:
            handle(.ready(generation: generation, at: .now))
        case .loadError(let type, let text, let traceback):
            for tracebackLine in (traceback ?? "").split(separator: "\n") {
                reports.yield(.log(LogLine(timestamp: Date(), stream: .stderr, message: String(tracebackLine))))
            }
            handle(.loadFailed(generation: generation, "\(type): \(text)"))
        case .protocolError(let text):
            systemLog("worker protocol error: \(text)")
        }
    }

    // MARK: - Executions

    func admit() -> ResidentAdmission {
        switch supervisor.withLock({ $0.admit() }) {
        case .admitted(let ticket, let startsNow):
            .admitted(ResidentTicket(deploymentID: spec.deploymentID, number: ticket, startsNow: startsNow, worker: serial))
        case .queueFull(let limit): .queueFull(limit: limit)
        case .notRunning: .notRunning
        }
    }

    func release(_ ticket: UInt64) {
        handle(.release(ticket: ticket, at: .now))
    }

    /// Sends the job once the ticket has a slot; `completion` gets the outcome (on the reader
    /// thread, or on the caller's when it fails at once).
    func submit(_ ticket: UInt64, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                completion: @escaping @Sendable (WorkerOutcome) -> Void) {
        // File inputs are exported into the execution's folder by the pool before it submits.
        let call = Call(request: WorkerMessage.executeRequest(executionID: job.executionID, inputs: job.arguments,
                                                              files: job.fileOutputs),
                        completion: completion, log: log)
        handle(.submit(ticket: ticket, executionID: job.executionID, timeout: job.timeout, call, at: .now))
    }
}
