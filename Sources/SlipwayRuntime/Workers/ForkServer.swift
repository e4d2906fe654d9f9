import DequeModule
import Foundation
import Logging
import SlipwayCore
import Subprocess
import Synchronization
import SystemPackage

/// One environment's fork server (`python -m slipway_worker --fork-server`): an interpreter with
/// the worker imported that forks standby workers on request, each in a process group of its
/// own, with pipes this process made for its standard input, output and error. Forking costs
/// about a millisecond where starting an interpreter costs tens, and the server never runs user
/// code, so every child starts from the same state.
///
/// The server reaps its children and reports their exit statuses; when it is gone, children
/// already forked go on, and their statuses are unknown.
final class ForkServer: Sendable {
    /// A forked standby: its process id (also its process group) and this side of its pipes.
    struct Child: Sendable {
        var pid: Int32
        var input: Int32
        var output: Int32
        var error: Int32
    }

    private struct State {
        var control: Int32 = -1
        var ready = false
        var ended = false
        var forks: Deque<CheckedContinuation<Int32?, Never>> = []
        var exits: [Int32: TerminationStatus] = [:]
        var exitWaiters: [Int32: CheckedContinuation<TerminationStatus?, Never>] = [:]
    }

    let python: String
    private let state = Mutex(State())

    init(python: String) {
        self.python = python
    }

    /// Whether the server has started and not ended: forks are answered at once.
    var isReady: Bool { state.withLock { $0.ready && !$0.ended } }

    /// Whether the server has ended (or failed to start).
    var hasEnded: Bool { state.withLock { $0.ended } }

    /// Starts the server process.
    func start(environment: [String: String], directory: URL, logger: Logger) {
        let ends: (Int32, Int32)
        do {
            ends = try DescriptorPassing.socketPair()
        } catch {
            logger.warning("no fork server for \(python): \(error)")
            finish()
            return
        }
        state.withLock { $0.control = ends.0 }
        Task.detached { [self] in
            var options = PlatformOptions()
            options.processGroupID = 0
            do {
                _ = try await Subprocess.run(
                    .path(FilePath(python)), arguments: ["-u", "-m", "slipway_worker", "--fork-server"],
                    environment: .custom(Dictionary(uniqueKeysWithValues: environment.map {
                        (Environment.Key(stringLiteral: $0.key), $0.value)
                    })),
                    workingDirectory: FilePath(directory.path), platformOptions: options,
                    input: .fileDescriptor(FileDescriptor(rawValue: ends.1), closeAfterSpawningProcess: true),
                    output: .sequence, error: .sequence
                ) { execution in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for try await line in execution.standardOutput.strings() { self.handle(line) }
                        }
                        group.addTask {
                            for try await line in execution.standardError.strings() where !line.isEmpty {
                                logger.warning("fork server for \(self.python): \(line)")
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch {
                logger.warning("the fork server for \(python) could not be started: \(error)")
            }
            finish()
        }
    }

    /// Forks a standby; nil when the server has ended or the request could not be sent.
    func fork() async -> Child? {
        var pipes: [(read: Int32, write: Int32)] = []
        do {
            for _ in 0..<3 { pipes.append(try DescriptorPassing.pipe()) }
        } catch {
            for pipe in pipes { close(pipe.read); close(pipe.write) }
            return nil
        }
        // The child's ends: its input's read end, its output's and error's write ends.
        let theirs = [pipes[0].read, pipes[1].write, pipes[2].write]
        let pid: Int32? = await withCheckedContinuation { continuation in
            let sent = state.withLock { state -> Bool in
                guard !state.ended, state.control >= 0 else { return false }
                do {
                    try DescriptorPassing.send(theirs, over: state.control)
                } catch {
                    return false
                }
                state.forks.append(continuation)
                return true
            }
            if !sent { continuation.resume(returning: nil) }
        }
        for descriptor in theirs { close(descriptor) }
        guard let pid else {
            close(pipes[0].write); close(pipes[1].read); close(pipes[2].read)
            return nil
        }
        return Child(pid: pid, input: pipes[0].write, output: pipes[1].read, error: pipes[2].read)
    }

    /// The exit status of a child once the server has reaped it; nil when the server ended first.
    func exitStatus(of pid: Int32) async -> TerminationStatus? {
        await withCheckedContinuation { continuation in
            let known: TerminationStatus?? = state.withLock { state in
                if let status = state.exits.removeValue(forKey: pid) { return .some(status) }
                if state.ended { return .some(nil) }
                state.exitWaiters[pid] = continuation
                return .none
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// Ends the server: its input closes and it exits (children already forked go on).
    func stop() {
        let control = state.withLock { state -> Int32 in
            let control = state.control
            state.control = -1
            return control
        }
        if control >= 0 { close(control) }
    }

    private func handle(_ line: String) {
        guard case .object(let message)? = try? JSONValue.parse(line),
              case .string(let type)? = message["type"],
              case .number(let number)? = message["pid"] else { return }
        let pid = Int32(number)
        switch type {
        case "ready":
            state.withLock { $0.ready = true }
        case "forked":
            let waiter = state.withLock { $0.forks.popFirst() }
            waiter?.resume(returning: pid)
        case "exited":
            let status: TerminationStatus
            if case .number(let signal)? = message["signal"] {
                status = .signaled(Int32(signal))
            } else if case .number(let code)? = message["code"] {
                status = .exited(Int32(code))
            } else {
                return
            }
            let waiter = state.withLock { state -> CheckedContinuation<TerminationStatus?, Never>? in
                if let waiter = state.exitWaiters.removeValue(forKey: pid) { return waiter }
                state.exits[pid] = status
                return nil
            }
            waiter?.resume(returning: status)
        default:
            break
        }
    }

    private func finish() {
        let (control, forks, waiters) = state.withLock { state in
            state.ended = true
            let taken = (state.control, state.forks, state.exitWaiters)
            state.control = -1
            state.forks = []
            state.exitWaiters = [:]
            return taken
        }
        if control >= 0 { close(control) }
        for waiter in forks { waiter.resume(returning: nil) }
        for waiter in waiters.values { waiter.resume(returning: nil) }
    }
}
