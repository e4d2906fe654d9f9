#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import SlipwayCore
import Subprocess
import Synchronization
import SystemPackage

/// One pre-started worker interpreter (`python -m slipway_worker --standby`): started ahead of
/// demand, it waits for the single execution it will serve, then runs it exactly as a process
/// started for that execution would (same protocol, timeout and process-group kill) and exits.
final class StandbyWorker: Sendable {
    /// What the execution sends (start line, then request) and how it is run.
    struct Assignment: Sendable {
        var input: [UInt8]
        var executionID: String
        var timeout: Duration
        var log: @Sendable (LogLine) -> Void
    }

    private struct Handoff: Sendable {
        var assignment: Assignment
        var reply: Reply
    }

    /// The answer to an execution, given once: as soon as the worker has answered (what it
    /// prints while it exits is still logged), else when its process has exited.
    private final class Reply: Sendable {
        private let continuation: Mutex<CheckedContinuation<WorkerOutcome?, Never>?>

        init(_ continuation: CheckedContinuation<WorkerOutcome?, Never>) {
            self.continuation = Mutex(continuation)
        }

        func resume(returning outcome: WorkerOutcome?) {
            continuation.withLock { taken -> CheckedContinuation<WorkerOutcome?, Never>? in
                defer { taken = nil }
                return taken
            }?.resume(returning: outcome)
        }
    }

    /// Waiting for an assignment (the process's task parked on `waiter`), holding one that
    /// came before the task asked, serving, or closed.
    private enum Phase {
        case idle(waiter: CheckedContinuation<Handoff?, Never>?)
        case pending(Handoff)
        case serving
        case closed
    }

    let python: String
    private let phase = Mutex<Phase>(.idle(waiter: nil))
    private let processID = Atomic<Int32>(0)

    init(python: String) {
        self.python = python
    }

    /// Starts the process; `onExit` runs once it has exited (served, closed or failed).
    func start(environment: [String: String], directory: URL, logger: Logger, onExit: @escaping @Sendable () -> Void) {
        Task.detached { [self] in
            var options = PlatformOptions()
            options.processGroupID = 0
            let answer = Mutex<Reply?>(nil)
            let state = WorkerCallState { outcome in answer.withLock { $0 }?.resume(returning: outcome) }
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(python)), arguments: ["-u", "-m", "slipway_worker", "--standby"],
                    environment: .custom(Dictionary(uniqueKeysWithValues: environment.map {
                        (Environment.Key(stringLiteral: $0.key), $0.value)
                    })),
                    workingDirectory: FilePath(directory.path), platformOptions: options,
                    input: .inputWriter, output: .sequence, error: .sequence
                ) { execution -> Handoff? in
                    processID.store(execution.processIdentifier.value, ordering: .releasing)
                    guard let handoff = await nextHandoff() else {
                        // Closed before serving: end of input makes the standby exit.
                        try await execution.standardInputWriter.finish()
                        return nil
                    }
                    let assignment = handoff.assignment
                    answer.withLock { $0 = handoff.reply }
                    do {
                        try await SubprocessElasticLauncher.drive(
                            execution, input: assignment.input, executionID: assignment.executionID,
                            timeout: assignment.timeout, state: state, log: assignment.log)
                    } catch {
                        if state.outcome == nil, !state.timedOut {
                            state.finish(.crashed("the worker's channel failed: \(error)"))
                        }
                    }
                    return handoff
                }
                if let handoff = result.closureResult {
                    handoff.reply.resume(returning: SubprocessElasticLauncher.outcome(
                        state, termination: result.terminationStatus, timeout: handoff.assignment.timeout))
                }
            } catch {
                logger.warning("a standby worker for \(python) could not be started: \(error)")
            }
            close()
            onExit()
        }
    }

    /// Takes a process forked by `server` (it exists once this returns, or the worker is closed);
    /// `onExit` runs once it has exited (served, closed or failed).
    func start(forkingFrom server: ForkServer, onExit: @escaping @Sendable () -> Void) {
        Task.detached { [self] in
            guard let child = await server.fork() else {
                close()
                onExit()
                return
            }
            processID.store(child.pid, ordering: .releasing)
            guard let handoff = await nextHandoff() else {
                // Closed before serving: end of input makes the standby exit.
                Glibc.close(child.input)
                Glibc.close(child.output)
                Glibc.close(child.error)
                _ = await server.exitStatus(of: child.pid)
                onExit()
                return
            }
            let assignment = handoff.assignment
            let state = WorkerCallState { outcome in handoff.reply.resume(returning: outcome) }
            do {
                try await child.drive(input: assignment.input, executionID: assignment.executionID,
                                      timeout: assignment.timeout, state: state, log: assignment.log)
            } catch {
                if state.outcome == nil, !state.timedOut {
                    state.finish(.crashed("the worker's channel failed: \(error)"))
                }
            }
            // Its output has ended: with an answer, the exit status adds nothing.
            let status = state.outcome == nil || state.timedOut ? await server.exitStatus(of: child.pid) : nil
            handoff.reply.resume(returning: SubprocessElasticLauncher.outcome(state, termination: status,
                                                                              timeout: assignment.timeout))
            if status == nil { _ = await server.exitStatus(of: child.pid) }
            close()
            onExit()
        }
    }

    /// Runs the execution on this process. Nil when it had already exited or been closed (the
    /// caller starts a process of its own then).
    func serve(_ assignment: Assignment) async -> WorkerOutcome? {
        await withCheckedContinuation { (reply: CheckedContinuation<WorkerOutcome?, Never>) in
            let handoff = Handoff(assignment: assignment, reply: Reply(reply))
            let waiter: CheckedContinuation<Handoff?, Never>?? = phase.withLock { phase in
                switch phase {
                case .idle(let waiter):
                    if let waiter {
                        phase = .serving
                        return .some(waiter)
                    }
                    phase = .pending(handoff)
                    return .some(nil)
                case .pending, .serving, .closed:
                    return .none
                }
            }
            switch waiter {
            case .none: reply.resume(returning: nil)
            case .some(let waiter?): waiter.resume(returning: handoff)
            case .some(nil): break
            }
        }
    }

    /// The process's id once it has started (0 before).
    var processIdentifier: Int32 { processID.load(ordering: .acquiring) }

    /// Whether the process can still take an execution: not closed, and (once started) not
    /// exited or a zombie.
    var isAvailable: Bool {
        let open = phase.withLock { phase in
            if case .idle = phase { return true }
            return false
        }
        guard open else { return false }
        let pid = processID.load(ordering: .acquiring)
        guard pid > 0 else { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return fields.first.map { $0 != "Z" && $0 != "X" } ?? false
    }

    /// Stops waiting: an idle process exits (its input ends); an execution handed over but not
    /// yet taken up is answered nil. A process already serving finishes its execution.
    func close() {
        let (waiter, pending): (CheckedContinuation<Handoff?, Never>?, Handoff?) = phase.withLock { phase in
            switch phase {
            case .idle(let waiter):
                phase = .closed
                return (waiter, nil)
            case .pending(let handoff):
                phase = .closed
                return (nil, handoff)
            case .serving, .closed:
                return (nil, nil)
            }
        }
        waiter?.resume(returning: nil)
        pending?.reply.resume(returning: nil)
    }

    private func nextHandoff() async -> Handoff? {
        await withCheckedContinuation { (waiter: CheckedContinuation<Handoff?, Never>) in
            let ready: Handoff?? = phase.withLock { phase in
                switch phase {
                case .idle:
                    phase = .idle(waiter: waiter)
                    return .none
                case .pending(let handoff):
                    phase = .serving
                    return .some(handoff)
                case .serving, .closed:
                    return .some(nil)
                }
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }
}
