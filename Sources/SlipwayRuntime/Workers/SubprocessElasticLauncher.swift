import Foundation
import Logging
import SlipwayCore
import Subprocess
import SystemPackage

/// Elastic mode: a worker process per execution, used for that one execution only, in its own
/// process group, killed with the whole group when it exceeds its timeout. The process is a
/// pre-started one from `standby` when one is ready, else started for the execution.
public final class SubprocessElasticLauncher: ElasticLauncher {
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger
    let copies: WorkingCopy
    let blobs: any BlobStore

    /// Elastic worker processes allowed at once; further executions wait for a slot.
    public let slots: SlotGate
    /// Pre-started interpreters executions take instead of starting one (nil: always start one).
    public let standby: StandbyWorkers?

    public init(runsRoot: URL, workerPythonPath: String, blobs: any BlobStore, logger: Logger,
                maxProcesses: Int = Limits.defaultMaxElasticProcesses,
                standby: StandbyWorkers.Limits? = StandbyWorkers.Limits()) throws {
        self.blobs = blobs
        self.standby = standby.map { limits in
            StandbyWorkers(limits: limits, directory: runsRoot, logger: logger) { python in
                Self.processEnvironment(python: python, base: [:], work: runsRoot, runsRoot: runsRoot,
                                        workerPythonPath: workerPythonPath)
            }
        }
        self.slots = SlotGate(limit: maxProcesses)
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
        self.copies = WorkingCopy(runsRoot: runsRoot)
        // A worker that exits before reading its request must not kill the server: writes to
        // its closed pipe then fail with EPIPE instead of raising SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try FileManager.default.createDirectory(at: runsRoot, withIntermediateDirectories: true)
    }

    public func workDirectory(executionID: String) -> URL {
        runsRoot.appendingPathComponent(executionID)
    }

    public func cleanUp(executionID: String) {
        copies.remove(workDirectory(executionID: executionID))
    }

    /// Removes the execution folders a previous server process left behind (call before serving).
    public func removeLeftovers() {
        copies.removeLeftovers()
    }

    /// The environment a worker sees: nothing of the server's own environment leaks in.
    func environment(for job: WorkerJob, work: URL) -> [String: String] {
        Self.processEnvironment(python: job.pythonExecutable, base: job.environment, work: work, runsRoot: runsRoot,
                                workerPythonPath: workerPythonPath)
    }

    static func processEnvironment(python executable: String, base: [String: String], work: URL, runsRoot: URL,
                                   workerPythonPath: String) -> [String: String] {
        let python = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        var env = base
        env["PATH"] = "\(python):/usr/local/bin:/usr/bin:/bin"
        env["HOME"] = ProcessInfo.processInfo.environment["HOME"] ?? work.path
        env["LANG"] = env["LANG"] ?? "C.UTF-8"
        env["PYTHONPATH"] = workerPythonPath
        env["PYTHONUNBUFFERED"] = "1"
        // Bytecode is cached outside the code folders (compiling the worker and user modules on
        // every start would cost tens of milliseconds per elastic execution).
        env["PYTHONPYCACHEPREFIX"] = WorkingCopy(runsRoot: runsRoot).pycacheRoot.path
        env["TMPDIR"] = work.appendingPathComponent("tmp").path
        env["VIRTUAL_ENV"] = URL(fileURLWithPath: python).deletingLastPathComponent().path
        env["SDK_VERBOSE_LOG"] = env["SDK_VERBOSE_LOG"] ?? "false"
        return env
    }

    /// Exports file inputs into the execution's folder and returns the arguments with their paths.
    static func prepareArguments(_ arguments: [String: JSONValue], files: [String: WorkerJob.FileArgument],
                                 work: URL, blobs: any BlobStore) async throws -> [String: JSONValue] {
        var arguments = arguments
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: work.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        for (name, file) in files {
            let folder = work.appendingPathComponent("inputs").appendingPathComponent(name)
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            let safeName = file.fileName.split(separator: "/").last.map(String.init) ?? name
            let destination = folder.appendingPathComponent(safeName.isEmpty || safeName == ".." ? name : safeName)
            try await blobs.export(file.blob, to: destination)
            arguments[name] = .object(["path": .string(destination.path)])
        }
        return arguments
    }

    public func run(_ job: WorkerJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        // One process per execution, but not without bound: a burst of calls to an elastic
        // endpoint would otherwise start hundreds of interpreters on a few cores.
        if !slots.tryEnter() {
            log(LogLine(timestamp: Date(), stream: .system,
                        message: "Waiting for a worker slot (\(slots.limit) elastic executions are running)"))
            do {
                try await slots.enter()
            } catch {
                return .unavailable("cancelled while waiting for a worker slot")
            }
        }
        defer { slots.leave() }
        let work = workDirectory(executionID: job.executionID)
        // The process runs in a copy of the code: what it writes there is removed with the
        // execution's folder, and the stored code stays as uploaded.
        let code = work.appendingPathComponent("code")
        let arguments: [String: JSONValue]
        do {
            arguments = try await Self.prepareArguments(job.arguments, files: job.fileArguments, work: work, blobs: blobs)
            try copies.make(of: job.codeDirectory, at: code)
        } catch {
            return unavailable("could not prepare the execution's files", detail: error, log: log)
        }
        let request = WorkerMessage.executeRequest(executionID: job.executionID, inputs: arguments,
                                                   files: job.fileOutputs)
        let env = environment(for: job, work: work)
        let standbys = standby
        let worker = standbys?.begin(python: job.pythonExecutable, jobEnvironment: job.environment)
        defer { standbys?.end(python: job.pythonExecutable) }
        if let worker {
            let start = WorkerMessage.startLine(arguments: Self.workerArguments(job, code: code), directory: code.path,
                                                environment: env)
            if let outcome = await worker.serve(StandbyWorker.Assignment(
                input: start + request, executionID: job.executionID, timeout: job.timeout, log: log)) {
                return outcome
            }
        }
        var options = PlatformOptions()
        options.processGroupID = 0
        let state = WorkerCallState()
        let executionID = job.executionID
        let timeout = job.timeout
        do {
            let result = try await Subprocess.run(
                .path(FilePath(job.pythonExecutable)),
                arguments: Arguments(["-u", "-m", "slipway_worker"] + Self.workerArguments(job, code: code)),
                environment: .custom(Dictionary(uniqueKeysWithValues: env.map { (Environment.Key(stringLiteral: $0.key), $0.value) })),
                workingDirectory: FilePath(code.path),
                platformOptions: options,
                input: .inputWriter, output: .sequence, error: .sequence
            ) { execution in
                try await Self.drive(execution, input: request, executionID: executionID, timeout: timeout, state: state, log: log)
            }
            return Self.outcome(state, termination: result.terminationStatus, timeout: timeout)
        } catch {
            if state.timedOut { return .timedOut(timeout) }
            if let outcome = state.outcome { return outcome }
            return unavailable("the worker process could not be started", detail: error, log: log)
        }
    }

    static func workerArguments(_ job: WorkerJob, code: URL) -> [String] {
        ["--code-dir", code.path, "--function-path", job.functionPath, "--function-name", job.functionName]
    }

    /// One execution's exchange with its worker process: `input` (the request) written, log
    /// lines and the answer read until the process closes its output, the whole process group
    /// killed when `timeout` passes first.
    static func drive(_ execution: Subprocess.Execution<CustomWriteInput, SequenceOutput, SequenceOutput>, input: [UInt8], executionID: String, timeout: Duration,
                      state: WorkerCallState, log: @escaping @Sendable (LogLine) -> Void) async throws {
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            state.markTimedOut()
            try? execution.send(signal: .kill, toProcessGroup: true)
        }
        defer { watchdog.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await line in execution.standardOutput.strings(bufferingPolicy: .maxLineLength(64 << 20)) {
                    take(line, executionID: executionID, state: state, log: log)
                }
            }
            group.addTask {
                for try await line in execution.standardError.strings() {
                    log(LogLine(timestamp: Date(), stream: .stderr, message: line))
                }
            }
            group.addTask {
                _ = try await execution.standardInputWriter.write(input)
                try await execution.standardInputWriter.finish()
            }
            try await group.waitForAll()
        }
    }

    /// Acts on one line of a worker's output: a protocol message, else a line the function printed.
    static func take(_ line: String, executionID: String, state: WorkerCallState, log: (LogLine) -> Void) {
        guard !line.isEmpty else { return }
        guard let message = try? WorkerMessage(line: line) else {
            log(LogLine(timestamp: Date(), stream: .stdout, message: line))
            return
        }
        switch message {
        case .log(_, let stream, let time, let text):
            log(LogLine(timestamp: time, stream: stream, message: text))
        case .result(let id, let outputs) where id == executionID:
            state.finish(.returned(outputs))
        case .error(let id, let type, let text, _) where id == executionID:
            state.finish(.raised(type: type, message: text))
        case .loadError(let type, let text, let traceback):
            for tracebackLine in (traceback ?? "").split(separator: "\n", omittingEmptySubsequences: false) {
                log(LogLine(timestamp: Date(), stream: .stderr, message: String(tracebackLine)))
            }
            state.finish(.raised(type: type, message: "could not load the step code: \(text)"))
        case .protocolError(let text):
            state.finish(.crashed("protocol error: \(text)"))
        default:
            break
        }
    }

    /// What became of an execution whose worker process has exited.
    /// `termination` is nil when the exit status is unknown (a forked worker whose fork server is gone).
    static func outcome(_ state: WorkerCallState, termination: TerminationStatus?, timeout: Duration) -> WorkerOutcome {
        if state.timedOut { return .timedOut(timeout) }
        if let outcome = state.outcome { return outcome }
        switch termination {
        case nil:
            return .crashed("the worker ended before returning a result")
        case .exited(let code):
            return .crashed("the worker exited with code \(code) before returning a result")
        case .signaled(let signal):
            return .crashed(signal == 9 ? "the worker was killed (SIGKILL; out of memory?)" : "the worker was killed by signal \(signal)")
        }
    }

    /// An execution that could not run: `summary` is what the caller sees; the error itself
    /// (it may name server paths) goes to the server log and the execution's logs.
    private func unavailable(_ summary: String, detail: any Error, log: (LogLine) -> Void) -> WorkerOutcome {
        logger.error("\(summary): \(detail)")
        log(LogLine(timestamp: Date(), stream: .system, message: "\(summary): \(detail)"))
        return .unavailable(summary)
    }
}

/// What the reader tasks learned about one call.
final class WorkerCallState: @unchecked Sendable {
    private let lock = NSLock()
    private var _outcome: WorkerOutcome?
    private var _timedOut = false
    private let onAnswer: (@Sendable (WorkerOutcome) -> Void)?

    /// `onAnswer` is called once with the worker's answer (a result or an exception) when it
    /// arrives, before the process has exited.
    init(onAnswer: (@Sendable (WorkerOutcome) -> Void)? = nil) {
        self.onAnswer = onAnswer
    }

    func finish(_ outcome: WorkerOutcome) {
        lock.lock()
        let first = _outcome == nil && !_timedOut
        if _outcome == nil { _outcome = outcome }
        lock.unlock()
        guard first, let onAnswer else { return }
        switch outcome {
        case .returned, .raised: onAnswer(outcome)
        default: break
        }
    }

    func markTimedOut() {
        lock.lock()
        _timedOut = true
        lock.unlock()
    }

    var outcome: WorkerOutcome? {
        lock.lock()
        defer { lock.unlock() }
        return _outcome
    }

    var timedOut: Bool {
        lock.lock()
        defer { lock.unlock() }
        return _timedOut
    }
}
