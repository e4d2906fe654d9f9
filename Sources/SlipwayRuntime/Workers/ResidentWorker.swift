import Foundation
import Logging
import SlipwayCore
import Subprocess
import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The resident worker process of one low-latency deployment, driven by
/// `ResidentWorkerStateMachine` (life of the process) and `ResidentDispatchState` (admission).
///
/// A thin driver: every decision is the machines'; this type keeps them behind one lock and
/// performs their effects outside it. It is not an actor because the execution path must not
/// hop between threads: admission, sending a request (`ResidentChannel.send`, one `write`) and
/// delivering a result (on the channel's reader thread) each take the lock once and resume
/// the waiting execution directly. Reports to the deployment go through an ordered stream.
final class ResidentWorker: Sendable {
    let spec: ResidentWorkerSpec
    /// Unique in the pool: tickets name the worker that issued them.
    let serial: UInt64
    let runsRoot: URL
    let workerPythonPath: String
    let logger: Logger
    private let reports: AsyncStream<ResidentWorkerReport>.Continuation
    private let state: Mutex<State>

    /// Largest line the worker may write (a result with big outputs).
    static let maxLineLength = 64 << 20
    /// How often running executions are checked against their timeout.
    static let timeoutSweep: Duration = .milliseconds(200)

    struct State {
        var machine = ResidentWorkerStateMachine()
        var dispatch: ResidentDispatchState<UInt64>
        var nextTicket: UInt64 = 0
        /// Queued executions, ready to be sent the moment they get a slot (by whichever thread
        /// frees it, without waking their task first).
        var queued: [UInt64: QueuedSend] = [:]
        /// Tickets given a slot, whose request is not sent yet.
        var cleared: Set<UInt64> = []
        var calls: [String: Call] = [:]
        var link: ProcessLink?
        var processCount = 0
        var stopRequested = false
        /// Replaced by a reload: admits nothing, finishes what it admitted, then stops.
        var retiring = false
        var sweeping = false
    }

    struct Call {
        var ticket: UInt64
        var completion: @Sendable (WorkerOutcome) -> Void
        var log: @Sendable (LogLine) -> Void
        var deadline: ContinuousClock.Instant
    }

    struct QueuedSend {
        var executionID: String
        var request: [UInt8]
        var completion: @Sendable (WorkerOutcome) -> Void
        var log: @Sendable (LogLine) -> Void
        var timeout: Duration
    }

    struct ProcessLink {
        var number: Int
        var channel: ResidentChannel
        var pid: Int32?
        var startedAt: Date
        /// When the process said it was ready (its uptime, for crash-loop backoff, counts from there).
        var readyAt: ContinuousClock.Instant?
        /// Execution whose timeout caused the kill, if any.
        var timedOut: String?
    }

    /// What to do once the lock is released.
    enum Effect {
        case send(ResidentChannel, [UInt8])
        case complete(@Sendable (WorkerOutcome) -> Void, WorkerOutcome)
        case report(ResidentWorkerReport)
        case spawn(number: Int, channel: ResidentChannel, delay: Duration)
        case terminate(ResidentChannel, pid: Int32?)
        case sweep
    }

    init(spec: ResidentWorkerSpec, serial: UInt64 = 0, runsRoot: URL, workerPythonPath: String, logger: Logger,
         report: @escaping @Sendable (ResidentWorkerReport) async -> Void) {
        self.spec = spec
        self.serial = serial
        self.runsRoot = runsRoot
        self.workerPythonPath = workerPythonPath
        self.logger = logger
        self.state = Mutex(State(dispatch: ResidentDispatchState(capacity: spec.concurrency, queueLimit: spec.queueLimit)))
        let (stream, continuation) = AsyncStream<ResidentWorkerReport>.makeStream()
        self.reports = continuation
        Task {
            for await item in stream { await report(item) }
        }
    }

    deinit {
        reports.finish()
    }

    // MARK: - Life cycle

    func start() {
        perform(state.withLock { state in apply(state.machine.handle(.start), to: &state) })
    }

    func stop() {
        perform(state.withLock { state in stopNow(&state) })
    }

    private func stopNow(_ state: inout State) -> [Effect] {
        state.stopRequested = true
        let effects = apply(state.machine.handle(.stop), to: &state)
        return effects + giveUp(state.dispatch.close(), in: &state)
    }

    /// Retires the worker after a reload: it admits no new execution, runs the ones it already
    /// admitted (running and queued) and then stops. Its status changes no longer speak for
    /// the deployment (only its log lines are kept). A worker that is not ready stops at once.
    func retire() {
        perform(state.withLock { state -> [Effect] in
            state.retiring = true
            guard state.machine.state == .ready else { return stopNow(&state) }
            return stopIfDrained(&state)
        })
    }

    /// Whether the worker has stopped for good (retired workers are then forgotten).
    var isStopped: Bool {
        state.withLock { state in
            switch state.machine.state {
            case .stopped, .failed, .idle: true
            default: false
            }
        }
    }

    /// Stops a retiring worker once it has nothing left to run.
    private func stopIfDrained(_ state: inout State) -> [Effect] {
        guard state.retiring, !state.stopRequested, state.calls.isEmpty, state.queued.isEmpty, state.cleared.isEmpty,
              state.dispatch.running.isEmpty, state.dispatch.waiting.isEmpty else { return [] }
        return stopNow(&state)
    }

    var pod: PodInfo {
        state.withLock { state in
            let status: String
            switch state.machine.state {
            case .idle, .starting: status = "pending"
            case .ready: status = "running"
            case .stopping, .stopped: status = "terminated"
            case .failed: status = "failed"
            }
            return PodInfo(id: "\(spec.deploymentName)-\(spec.generation)-\(state.processCount)", status: status,
                           pid: state.link?.pid, startedAt: state.link?.startedAt)
        }
    }

    var pid: Int32? { state.withLock { $0.link?.pid } }

    /// Turns the machine's actions into state changes and effects (under the lock).
    private func apply(_ actions: [ResidentWorkerStateMachine.Action], to state: inout State) -> [Effect] {
        var effects: [Effect] = []
        for action in actions {
            switch action {
            case .spawn(let delay):
                state.processCount += 1
                do {
                    let channel = try ResidentChannel()
                    state.link = ProcessLink(number: state.processCount, channel: channel, pid: nil, startedAt: Date())
                    effects.append(.spawn(number: state.processCount, channel: channel, delay: delay))
                } catch {
                    // No pipes (descriptor limit): the attempt counts as a process that died at once.
                    state.link = nil
                    effects += apply(state.machine.handle(.exited("could not create the worker's pipes: \(error)")),
                                     to: &state)
                }
            case .report(let event, let text):
                let line = LogLine(timestamp: Date(), stream: .system, message: text)
                // A retiring worker's changes do not speak for the deployment, whose new worker
                // may already be up.
                effects.append(.report(state.retiring ? .log(line) : .status(event, line)))
            case .failInFlight(let reason):
                _ = state.dispatch.workerLost()
                let inFlight = state.calls
                state.calls.removeAll()
                for (_, call) in inFlight { effects.append(.complete(call.completion, .crashed(reason))) }
                if case .failed = state.machine.state {
                    effects += giveUp(state.dispatch.close(), in: &state)
                }
            case .terminateProcess:
                if let link = state.link { effects.append(.terminate(link.channel, pid: link.pid)) }
            case .none:
                break
            }
        }
        return effects
    }

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .send(let channel, let request):
                // A refused write means the process is gone: its exit fails the call with the others.
                channel.send(request)
            case .complete(let completion, let outcome): completion(outcome)
            case .report(let report): reports.yield(report)
            case .spawn(let number, let channel, let delay): spawn(number, channel: channel, after: delay)
            case .terminate(let channel, let pid): terminate(channel, pid: pid)
            case .sweep: startSweeping()
            }
        }
    }

    /// The worker's own folder: a copy of the code (working directory and `--code-dir`, made
    /// anew for each process) and its temporary files. Parallel executions of the process share
    /// it, as they would share a pod; the stored code is never written to.
    var workFolder: URL { runsRoot.appendingPathComponent("worker-\(spec.deploymentID)-\(serial)") }

    private func spawn(_ number: Int, channel: ResidentChannel, after delay: Duration) {
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
            self?.received(line, from: number)
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
                self.reports.yield(.log(LogLine(timestamp: Date(), stream: .system,
                                                message: "Could not prepare the worker's working directory: \(error)")))
                channel.closeChild()
                self.exited(number, description: "the worker's working directory could not be prepared")
                self.removeWorkFolderIfStopped()
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
                    self.attached(number, pid: execution.processIdentifier.value)
                }
                switch result.terminationStatus {
                case .exited(let code): description = "the worker process exited with code \(code)"
                case .signaled(let signal):
                    description = signal == SIGKILL ? "the worker process was killed (SIGKILL: timeout or out of memory)"
                        : "the worker process was killed by signal \(signal)"
                }
            } catch {
                self.logger.error("the worker process of \(spec.deploymentName) could not run: \(error)")
                self.reports.yield(.log(LogLine(timestamp: Date(), stream: .system,
                                                message: "The worker process could not run: \(error)")))
                description = "the worker process could not be started"
            }
            channel.closeInput()
            // Lines written just before the exit are still being read: let them arrive first
            // (bounded, in case a child process of the worker keeps the pipes open).
            for _ in 0..<200 where !outputEnded.withLock({ $0 }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
            self.exited(number, description: description)
            self.removeWorkFolderIfStopped()
        }
    }

    /// Removes the worker's folder once it has stopped for good.
    private func removeWorkFolderIfStopped() {
        if isStopped { WorkingCopy(runsRoot: runsRoot).remove(workFolder) }
    }

    private func attached(_ number: Int, pid: Int32) {
        state.withLock { state in
            guard state.link?.number == number else { return }
            state.link?.pid = pid
        }
    }

    /// Asks the worker to finish, and kills its process group if it has not after a grace period.
    private func terminate(_ channel: ResidentChannel, pid: Int32?) {
        channel.send(Array("{\"type\":\"shutdown\"}\n".utf8))
        channel.closeInput()
        let grace = spec.executionTimeout
        Task.detached { [weak self] in
            try? await Task.sleep(for: min(grace, .seconds(30)))
            if let pid, self?.isCurrent(pid: pid) == true { kill(-pid, SIGKILL) }
        }
    }

    private func isCurrent(pid: Int32) -> Bool { state.withLock { $0.link?.pid == pid } }

    private func exited(_ number: Int, description: String) {
        perform(state.withLock { state -> [Effect] in
            guard state.link?.number == number else { return [] }
            let timedOut = state.link?.timedOut
            let readyAt = state.link?.readyAt
            state.link = nil
            if state.stopRequested { return apply(state.machine.handle(.stoppedCompletely), to: &state) }
            if state.retiring {
                // A retiring worker is not replaced: what it was running fails, the rest is dropped.
                var effects: [Effect] = state.calls.values.map { .complete($0.completion, .crashed(description)) }
                state.calls.removeAll()
                effects += stopNow(&state)
                return effects + apply(state.machine.handle(.stoppedCompletely), to: &state)
            }
            var effects: [Effect] = []
            if let timedOut, let call = state.calls.removeValue(forKey: timedOut) {
                effects.append(.complete(call.completion, .timedOut(spec.executionTimeout)))
                effects.append(.report(.log(LogLine(timestamp: Date(), stream: .system,
                    message: "Execution \"\(timedOut)\" exceeded its timeout of \(spec.executionTimeout.components.seconds) s; "
                        + "the worker was stopped and is being replaced"))))
            }
            let uptime = readyAt.map { ContinuousClock.now - $0 } ?? .zero
            return effects + apply(state.machine.handle(.exited(description, uptime: uptime)), to: &state)
        })
    }

    // MARK: - Messages from the process (reader thread)

    private func received(_ bytes: UnsafeBufferPointer<UInt8>, from number: Int) {
        guard let message = try? WorkerMessage(bytes: bytes) else {
            reports.yield(.log(LogLine(timestamp: Date(), stream: .stdout, message: String(decoding: bytes, as: UTF8.self))))
            return
        }
        switch message {
        case .result(let id, let outputs):
            finish(id, outcome: .returned(outputs), from: number)
        case .error(let id, let type, let text, _):
            finish(id, outcome: .raised(type: type, message: text), from: number)
        case .log(let executionID, let stream, let time, let text):
            let line = LogLine(timestamp: time, stream: stream, message: text)
            if let executionID, let log = state.withLock({ $0.calls[executionID]?.log }) {
                log(line)
            } else {
                reports.yield(.log(line))
            }
        case .ready:
            perform(state.withLock { state -> [Effect] in
                guard state.link?.number == number else { return [] }
                state.link?.readyAt = .now
                var effects = apply(state.machine.handle(.ready), to: &state)
                for ticket in state.dispatch.workerReady() { effects += clear(ticket, in: &state) }
                return effects
            })
        case .loadError(let type, let text, let traceback):
            for tracebackLine in (traceback ?? "").split(separator: "\n") {
                reports.yield(.log(LogLine(timestamp: Date(), stream: .stderr, message: String(tracebackLine))))
            }
            perform(state.withLock { state -> [Effect] in
                guard state.link?.number == number else { return [] }
                return apply(state.machine.handle(.loadFailed("\(type): \(text)")), to: &state)
            })
        case .protocolError(let text):
            reports.yield(.log(LogLine(timestamp: Date(), stream: .system, message: "worker protocol error: \(text)")))
        }
    }

    // MARK: - Executions

    func admit() -> ResidentAdmission {
        state.withLock { state in
            guard !state.retiring else { return .notRunning }
            switch state.machine.state {
            case .failed, .stopping, .stopped, .idle:
                return .notRunning
            case .starting, .ready:
                break
            }
            state.nextTicket += 1
            let ticket = state.nextTicket
            var startsNow = false
            switch state.dispatch.submit(ticket) {
            case .dispatch:
                state.cleared.insert(ticket)
                startsNow = true
            case .queued: break
            case .rejected: return .queueFull(limit: spec.queueLimit)
            }
            return .admitted(ResidentTicket(deploymentID: spec.deploymentID, number: ticket, startsNow: startsNow,
                                            worker: serial))
        }
    }

    func release(_ ticket: UInt64) {
        perform(state.withLock { state -> [Effect] in
            var effects: [Effect] = []
            if state.cleared.remove(ticket) != nil {
                effects = state.dispatch.finish(ticket).flatMap { clear($0, in: &state) }
            } else if state.dispatch.withdraw(ticket) {
                effects = giveUp([ticket], in: &state)
            }
            return effects + stopIfDrained(&state)
        })
    }

    /// A queued ticket got a slot: its execution is sent now if its request is ready, or as
    /// soon as `run` brings it.
    private func clear(_ ticket: UInt64, in state: inout State) -> [Effect] {
        guard let queued = state.queued.removeValue(forKey: ticket) else {
            state.cleared.insert(ticket)
            return []
        }
        return startCall(ticket, queued, in: &state)
    }

    /// Tickets dropped without running (the worker stopped for good): their executions fail.
    private func giveUp(_ tickets: [UInt64], in state: inout State) -> [Effect] {
        var effects: [Effect] = []
        for ticket in tickets {
            state.cleared.remove(ticket)
            if let queued = state.queued.removeValue(forKey: ticket) {
                effects.append(.complete(queued.completion,
                                         .unavailable("the deployment's worker stopped before the execution could start")))
            }
        }
        return effects
    }

    /// Registers the call and sends its request (the ticket holds a slot).
    private func startCall(_ ticket: UInt64, _ call: QueuedSend, in state: inout State) -> [Effect] {
        guard let link = state.link, state.machine.acceptsExecutions else {
            var effects = state.dispatch.finish(ticket).flatMap { clear($0, in: &state) }
            effects.append(.complete(call.completion, .unavailable("the deployment's worker is not running")))
            return effects
        }
        state.calls[call.executionID] = Call(ticket: ticket, completion: call.completion, log: call.log,
                                             deadline: ContinuousClock.now + call.timeout)
        var effects: [Effect] = [.send(link.channel, call.request)]
        if !state.sweeping {
            state.sweeping = true
            effects.append(.sweep)
        }
        return effects
    }

    /// Sends the job once the ticket has a slot; `completion` gets the outcome (on the reader
    /// thread, or on the caller's when it fails at once).
    func submit(_ ticket: UInt64, job: ResidentJob, log: @escaping @Sendable (LogLine) -> Void,
                completion: @escaping @Sendable (WorkerOutcome) -> Void) {
        var arguments = job.arguments
        if !job.fileArguments.isEmpty {
            do {
                arguments = try SubprocessElasticLauncher.prepareArguments(
                    arguments, files: job.fileArguments, work: runsRoot.appendingPathComponent(job.executionID))
            } catch {
                logger.error("could not prepare the input files of execution \(job.executionID): \(error)")
                log(LogLine(timestamp: Date(), stream: .system, message: "Could not prepare the input files: \(error)"))
                release(ticket)
                return completion(.unavailable("could not prepare the input files"))
            }
        }
        let call = QueuedSend(executionID: job.executionID,
                              request: WorkerMessage.executeRequest(executionID: job.executionID, inputs: arguments,
                                                                             files: job.fileOutputs),
                              completion: completion, log: log, timeout: job.timeout)
        perform(state.withLock { state -> [Effect] in
            if state.cleared.remove(ticket) != nil { return startCall(ticket, call, in: &state) }
            if state.dispatch.isWaiting(ticket) {
                state.queued[ticket] = call
                return []
            }
            return [.complete(completion, .unavailable("the deployment's worker is not running"))]
        })
    }

    private func finish(_ executionID: String, outcome: WorkerOutcome, from number: Int) {
        perform(state.withLock { state -> [Effect] in
            guard state.link?.number == number, let call = state.calls.removeValue(forKey: executionID) else { return [] }
            var effects: [Effect] = [.complete(call.completion, outcome)]
            for next in state.dispatch.finish(call.ticket) { effects += clear(next, in: &state) }
            return effects + stopIfDrained(&state)
        })
    }

    /// Checks running executions against their timeout while there are any. A thread cannot be
    /// stopped from outside: the whole process is killed and replaced.
    private func startSweeping() {
        Task.detached { [weak self] in
            while true {
                try? await Task.sleep(for: Self.timeoutSweep)
                guard let self, self.sweep() else { return }
            }
        }
    }

    /// One timeout check; false once nothing runs (the sweeping stops until the next call).
    private func sweep() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard !state.calls.isEmpty else {
                state.sweeping = false
                return false
            }
            guard var link = state.link, link.timedOut == nil, let pid = link.pid,
                  let late = state.calls.first(where: { $0.value.deadline <= now })
            else { return true }
            link.timedOut = late.key
            state.link = link
            kill(-pid, SIGKILL)
            return true
        }
    }
}
