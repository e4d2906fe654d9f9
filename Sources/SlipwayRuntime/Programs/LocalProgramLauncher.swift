import Foundation
import Logging
import SlipwayCore
import Subprocess
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// `ProgramLauncher` on this machine: each run gets a copy of the code in `<runsRoot>/<run id>`
/// (removed afterwards), runs in its own process group, and has its standard output and error
/// streamed as log lines. A timeout or a cancelled task kills the whole group. The stand-in
/// SDK modules are the `slipway_shims` folder next to the worker package. A run isolated from
/// the network starts under `unshare --net` (util-linux; needs root or user namespaces): the
/// kernel gives it a network namespace with nothing but a down loopback.
public struct LocalProgramLauncher: ProgramLauncher {
    let runsRoot: URL
    let shims: String
    let logger: Logger

    public var standIns: String { shims }

    public init(runsRoot: URL, workerPythonPath: String, logger: Logger) {
        self.runsRoot = runsRoot
        self.shims = (workerPythonPath as NSString).appendingPathComponent("slipway_shims")
        self.logger = logger
    }

    /// Runs the script as `__main__` with its folder first on the module path, as `python
    /// script.py` would, and the stand-ins last.
    static let bootstrap = """
        import os, runpy, sys
        sys.path.append(os.environ.pop("SLIPWAY_SHIMS"))
        script = sys.argv[1]
        sys.argv = sys.argv[1:]
        sys.path[0] = os.path.dirname(os.path.abspath(script))
        runpy.run_path(script, run_name="__main__")
        """

    public func run(_ program: ProgramInvocation, log: @escaping @Sendable (LogLine) -> Void) async -> ProgramOutcome {
        let folder = runsRoot.appendingPathComponent("program-\(program.runID)")
        let fileManager = FileManager.default
        do {
            try? fileManager.removeItem(at: folder)
            try fileManager.createDirectory(at: runsRoot, withIntermediateDirectories: true)
            try fileManager.copyItem(at: program.codeDirectory, to: folder)
        } catch {
            logger.error("could not prepare the folder of run \(program.runID): \(error)")
            return .unavailable("the run's working folder could not be prepared")
        }
        defer { try? fileManager.removeItem(at: folder) }
        var environment = program.environment
        environment["HOME"] = folder.path
        environment["TMPDIR"] = folder.path
        environment["SLIPWAY_SHIMS"] = shims
        environment["PYTHONUNBUFFERED"] = "1"
        let env = Environment.custom(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
        var executable = FilePath(program.python)
        var arguments = ["-c", Self.bootstrap, program.script] + program.arguments
        if program.isolatedFromNetwork {
            guard let unshare = Self.unshare else {
                return .unavailable("this host cannot cut the step off from the network: 'unshare' (util-linux) is not installed")
            }
            arguments = ["--net", "--", program.python] + arguments
            executable = FilePath(unshare)
        }
        var options = PlatformOptions()
        options.processGroupID = 0
        let group = ProcessGroupBox()
        let timedOut = Flag()
        do {
            let outcome = try await Subprocess.run(
                .path(executable), arguments: Arguments(arguments),
                environment: env,
                workingDirectory: FilePath(folder.path), platformOptions: options, input: .none, output: .sequence, error: .sequence
            ) { execution in
                group.set(execution.processIdentifier.value)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask {
                        for try await text in execution.standardOutput.strings() {
                            log(LogLine(timestamp: Date(), stream: .stdout, message: Self.trimmed(text)))
                        }
                    }
                    tasks.addTask {
                        for try await text in execution.standardError.strings() {
                            log(LogLine(timestamp: Date(), stream: .stderr, message: Self.trimmed(text)))
                        }
                    }
                    if let timeout = program.timeout {
                        tasks.addTask {
                            try await Task.sleep(for: timeout)
                            timedOut.set()
                            group.kill()
                        }
                    }
                    // The output ends when the process exits; then the timer is not needed.
                    try await tasks.next()
                    try await tasks.next()
                    tasks.cancelAll()
                }
            }
            if Task.isCancelled { group.kill(); return .cancelled }
            if timedOut.isSet, let timeout = program.timeout { return .timedOut(timeout) }
            switch outcome.terminationStatus {
            case .exited(let code): return .exited(code)
            case .signaled(let signal): return .signalled(signal)
            }
        } catch {
            group.kill()
            if Task.isCancelled { return .cancelled }
            logger.error("run \(program.runID) could not be started: \(error)")
            return .unavailable("the program could not be started")
        }
    }

    static let unshare = ["/usr/bin/unshare", "/bin/unshare"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func trimmed(_ text: String) -> String {
        text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// The run's process group, killed with SIGKILL on a timeout, a cancellation or an error.
private final class ProcessGroupBox: @unchecked Sendable {
    private let lock = NSLock()
    private var pid: pid_t?

    func set(_ value: pid_t) {
        lock.lock()
        pid = value
        lock.unlock()
    }

    func kill() {
        lock.lock()
        let target = pid
        lock.unlock()
        if let target { _ = Glibc.kill(-target, SIGKILL) }
    }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
