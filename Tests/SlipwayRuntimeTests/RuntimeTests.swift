import Foundation
import Logging
import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

@Suite("Python installations, environment keys and the elastic launcher")
struct RuntimeTests {
    @Test(arguments: [("3.11", "3.11"), ("3.11.7", "3.11"), ("3.9.0", "3.9"), ("10.2", "10.2")])
    func versionStringParses(_ text: String, _ expected: String) {
        #expect(PythonInstallations.versionString(Substring(text)) == expected)
    }

    @Test(arguments: ["3", "3.11-config", "3.11.7.1", "", "3.", ".11", "3.x", "python3.11", "3.11m"])
    func versionStringRejects(_ text: String) {
        #expect(PythonInstallations.versionString(Substring(text)) == nil)
    }

    @Test func supportedVersionsAndDefault() {
        #expect(PythonInstallations.isSupported("3.9"))
        #expect(PythonInstallations.isSupported("3.12"))
        #expect(!PythonInstallations.isSupported("3.8"))
        #expect(!PythonInstallations.isSupported("2.7"))
        #expect(!PythonInstallations.isSupported("3"))
        let many = PythonInstallations(interpreters: ["3.9": "/a", "3.12": "/b", "3.10": "/c"])
        #expect(many.versions == ["3.9", "3.10", "3.12"])
        #expect(many.defaultVersion == "3.12")
        let with311 = PythonInstallations(interpreters: ["3.12": "/b", "3.11": "/c"])
        #expect(with311.defaultVersion == "3.11")
        #expect(PythonInstallations(interpreters: [:]).defaultVersion == nil)
    }

    @Test func environmentKeyIsStable() {
        let a = EnvironmentSpec(pythonVersion: "3.11", requirements: "numpy==1.26\n", systemDependencies: ["b", "a"])
        let b = EnvironmentSpec(pythonVersion: "3.11", requirements: "  numpy==1.26", systemDependencies: ["a", "b"])
        let key = VirtualEnvironmentProvider.key(for: a)
        #expect(key == VirtualEnvironmentProvider.key(for: a))
        #expect(key == VirtualEnvironmentProvider.key(for: b), "order of system deps and surrounding whitespace do not matter")
        #expect(key.count == 64)
        #expect(key.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let other = [
            EnvironmentSpec(pythonVersion: "3.11", requirements: "numpy==1.27", systemDependencies: ["a", "b"]),
            EnvironmentSpec(pythonVersion: "3.12", requirements: "numpy==1.26", systemDependencies: ["a", "b"]),
            EnvironmentSpec(pythonVersion: "3.11", requirements: "numpy==1.26", systemDependencies: ["a"]),
            EnvironmentSpec(pythonVersion: "3.11", requirements: "", systemDependencies: ["a", "b"]),
        ].map(VirtualEnvironmentProvider.key(for:))
        #expect(Set(other + [key]).count == 5)
    }

    // MARK: Elastic launcher with a real worker

    static var hostPython: String? {
        let found = PythonInstallations.discover()
        if let version = found.defaultVersion, let path = found.interpreters[version] { return path }
        return TestSupport.python3
    }

    static let code = """
        import os, time

        def add(a, b):
            print("adding", a, b)
            return {"sum": a + b}

        def boom():
            raise ValueError("bad value here")

        def slow():
            time.sleep(60)
            return {}

        def die():
            os._exit(7)

        def where():
            import sys, tempfile
            return {"cwd": os.getcwd(), "tmp": tempfile.gettempdir(), "env": dict(os.environ), "pid": os.getpid(),
                    "modules": "json" in sys.modules}

        def nap():
            time.sleep(0.5)
            return {"pid": os.getpid()}

        def write(name):
            existed = os.path.exists(name)
            with open(name, "w") as f:
                f.write("written " + name)
            with open(__file__, "a") as f:
                f.write("# appended by an execution")
            return {"report": {"path": name}, "existed": existed, "cwd": os.getcwd()}
        """

    /// `root/code/src/main.py` holding `code`; returns `root/code`.
    static func writeCode(in root: URL) throws -> URL {
        let codeDir = root.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: codeDir.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Data(code.utf8).write(to: codeDir.appendingPathComponent("src/main.py"))
        return codeDir
    }

    /// Elastic executions run in a copy of the code: relative writes (and writes next to
    /// `__file__`) never reach the stored code, each execution starts from the uploaded files,
    /// and a declared file output is collected into the execution's outputs folder.
    @Test func elasticExecutionsRunInACopyOfTheCode() async throws {
        let python = try #require(Self.hostPython, "no host python")
        let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
        let root = try TestSupport.temporaryDirectory("copy")
        defer { try? FileManager.default.removeItem(at: root) }
        let codeDir = try Self.writeCode(in: root)
        let mainFile = codeDir.appendingPathComponent("src/main.py")
        let launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: workerPath,
                                                     blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"))
        defer { launcher.standby?.stopAll() }
        for id in ["copy-1", "copy-2"] {
            let outputs = launcher.outputsDirectory(executionID: id)
            let job = WorkerJob(executionID: id, pythonExecutable: python, codeDirectory: codeDir, functionPath: "src/main.py",
                                functionName: "write", arguments: ["name": .string("out.txt")], fileArguments: [:],
                                environment: [:], timeout: .seconds(30),
                                fileOutputs: FileOutputRequest(directory: outputs, names: ["report"]))
            let outcome = await launcher.run(job) { _ in }
            guard case .returned(let values) = outcome, case .object(let report)? = values["report"],
                  let path = report["path"]?.stringValue else {
                Issue.record("expected a result, got \(outcome)"); return
            }
            #expect(values["existed"] == .bool(false), "each execution starts from the uploaded code")
            #expect(values["cwd"]?.stringValue?.hasPrefix(launcher.workDirectory(executionID: id).path) == true)
            #expect(path == outputs.appendingPathComponent("0/out.txt").path)
            #expect(ExecutionRunner.collectedFile(path, in: outputs) != nil)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "written out.txt")
            launcher.cleanUp(executionID: id)
            #expect(!FileManager.default.fileExists(atPath: launcher.workDirectory(executionID: id).path))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: codeDir.appendingPathComponent("src").path) == ["main.py"])
        #expect(try String(contentsOf: mainFile, encoding: .utf8) == Self.code)
        // The bytecode cached for the copies went with them.
        let cached = WorkingCopy(runsRoot: root.appendingPathComponent("runs")).pycacheRoot.path
            + root.appendingPathComponent("runs").standardizedFileURL.path
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cached)) ?? []).isEmpty)
    }


    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [LogLine] = []
        func add(_ line: LogLine) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [LogLine] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    /// Runs `function` once; with `standby`, on a pre-started interpreter (a first execution
    /// makes the launcher start one, which the test waits for).
    func run(_ function: String, arguments: [String: JSONValue] = [:], timeout: Duration = .seconds(30),
             standby: Bool = false) async throws -> (WorkerOutcome, [LogLine]) {
        let python = try #require(Self.hostPython, "no host python")
        let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
        let root = try TestSupport.temporaryDirectory("launcher")
        defer { try? FileManager.default.removeItem(at: root) }
        let codeDir = try Self.writeCode(in: root)
        let launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"),
                                                     workerPythonPath: workerPath, blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"),
                                                     standby: standby ? StandbyWorkers.Limits(total: 1) : nil)
        defer { launcher.standby?.stopAll() }
        if standby {
            let warmUp = WorkerJob(executionID: "warm-up", pythonExecutable: python, codeDirectory: codeDir,
                                   functionPath: "src/main.py", functionName: "add", arguments: ["a": .number(1), "b": .number(1)],
                                   fileArguments: [:], environment: [:], timeout: .seconds(30))
            #expect(await launcher.run(warmUp) { _ in } == .returned(["sum": .number(2)]))
            launcher.cleanUp(executionID: "warm-up")
            try await Self.waitForStandby(launcher, python: python)
        }
        let executionID = "exec-\(function)"
        let job = WorkerJob(executionID: executionID, pythonExecutable: python, codeDirectory: codeDir,
                            functionPath: "src/main.py", functionName: function, arguments: arguments, fileArguments: [:],
                            environment: [:], timeout: timeout)
        let collected = Collected()
        let outcome = await launcher.run(job) { collected.add($0) }
        if standby { #expect(launcher.standby?.served == 1, "the execution must have run on the standby") }
        #expect(FileManager.default.fileExists(atPath: launcher.workDirectory(executionID: executionID).path))
        launcher.cleanUp(executionID: executionID)
        #expect(!FileManager.default.fileExists(atPath: launcher.workDirectory(executionID: executionID).path))
        return (outcome, collected.all)
    }

    static func waitForStandby(_ launcher: SubprocessElasticLauncher, python: String) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while launcher.standby?.readyCount(python: python) != 1 {
            guard ContinuousClock.now < deadline else { Issue.record("no standby was started"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test(arguments: [false, true])
    func returnsResultAndLogs(standby: Bool) async throws {
        let (outcome, lines) = try await run("add", arguments: ["a": .number(2), "b": .number(3)], standby: standby)
        #expect(outcome == .returned(["sum": .number(5)]))
        #expect(lines.contains { $0.message.contains("adding 2 3") }, "\(lines.map(\.message))")
    }

    @Test(arguments: [false, true])
    func exceptionIsRaised(standby: Bool) async throws {
        let (outcome, _) = try await run("boom", standby: standby)
        guard case .raised(let type, let message) = outcome else {
            Issue.record("expected .raised, got \(outcome)"); return
        }
        #expect(type.contains("ValueError"))
        #expect(message.contains("bad value here"))
    }

    @Test(arguments: [false, true])
    func timeoutKillsWorker(standby: Bool) async throws {
        let start = ContinuousClock.now
        let (outcome, _) = try await run("slow", timeout: .seconds(1), standby: standby)
        #expect(outcome == .timedOut(.seconds(1)))
        #expect(ContinuousClock.now - start < .seconds(45), "the worker (sleeping 60 s) must be killed, not waited for")
    }

    @Test(arguments: [false, true])
    func exitIsCrash(standby: Bool) async throws {
        let (outcome, _) = try await run("die", standby: standby)
        guard case .crashed(let message) = outcome else {
            Issue.record("expected .crashed, got \(outcome)"); return
        }
        #expect(message.contains("7"))
    }

    /// The worker reports a load error and exits before reading its request: the launcher's
    /// write then races the exit and SIGPIPE kills the runner (same Sources bug as below).
    @Test
    func missingFunctionIsReported() async throws {
        let (outcome, _) = try await run("does_not_exist")
        switch outcome {
        case .raised, .crashed: break
        default: Issue.record("expected a failure, got \(outcome)")
        }
    }

    /// Regression test for a Sources bug: nothing ignores SIGPIPE, so when a worker exits before
    /// reading its request (here `/bin/true` and a 2 MB request) the write to its stdin raises
    /// SIGPIPE and kills the whole process (the server, or this test runner). Enable once
    /// `signal(SIGPIPE, SIG_IGN)` is installed (see the report).
    @Test
    func workerThatNeverReadsItsRequest() async throws {
        let root = try TestSupport.temporaryDirectory("sigpipe")
        defer { try? FileManager.default.removeItem(at: root) }
        let launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: "/nonexistent",
                                                     blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"))
        defer { launcher.standby?.stopAll() }
        let codeDir = root.appendingPathComponent("code")
        try FileManager.default.createDirectory(at: codeDir, withIntermediateDirectories: true)
        let job = WorkerJob(executionID: "sigpipe", pythonExecutable: "/bin/true", codeDirectory: codeDir, functionPath: "a.py",
                            functionName: "f", arguments: ["big": .string(String(repeating: "x", count: 2_000_000))],
                            fileArguments: [:], environment: [:], timeout: .seconds(10))
        let outcome = await launcher.run(job) { _ in }
        switch outcome {
        case .crashed, .unavailable: break
        default: Issue.record("expected a crash/unavailable outcome, got \(outcome)")
        }
    }

    /// A standby serves one execution in that execution's folder and environment (nothing of
    /// its start-up environment kept), is not reused, and is replaced; a job that sets a
    /// `PYTHON…` variable gets a process of its own; after `stopAll` no standby is left.
    @Test func standbyServesOneExecutionInItsOwnEnvironment() async throws {
        let python = try #require(Self.hostPython, "no host python")
        let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
        let root = try TestSupport.temporaryDirectory("standby")
        defer { try? FileManager.default.removeItem(at: root) }
        let codeDir = try Self.writeCode(in: root)
        let launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: workerPath,
                                                     blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"),
                                                     standby: StandbyWorkers.Limits(total: 2, perEnvironment: 2))
        let standbys = try #require(launcher.standby)
        func job(_ id: String, _ environment: [String: String] = [:]) -> WorkerJob {
            WorkerJob(executionID: id, pythonExecutable: python, codeDirectory: codeDir, functionPath: "src/main.py",
                      functionName: "where", arguments: [:], fileArguments: [:], environment: environment, timeout: .seconds(30))
        }
        func outputs(_ outcome: WorkerOutcome) -> [String: JSONValue] {
            if case .returned(let values) = outcome { return values }
            Issue.record("expected a result, got \(outcome)")
            return [:]
        }
        _ = outputs(await launcher.run(job("first")) { _ in })
        #expect(standbys.served == 0, "the first execution of an environment starts its own process")
        try await Self.waitForStandby(launcher, python: python)
        var pids: Set<String> = []
        for id in ["second", "third"] {
            let values = outputs(await launcher.run(job(id, ["ONLY_IN_JOB": id])) { _ in })
            let work = launcher.workDirectory(executionID: id).path
            #expect(values["cwd"]?.stringValue?.hasPrefix(work) == true)
            #expect(values["tmp"]?.stringValue == work + "/tmp")
            let env = values["env"]?.objectValue ?? [:]
            #expect(env["ONLY_IN_JOB"] == .string(id))
            #expect(env["TMPDIR"] == .string(work + "/tmp"))
            #expect(values["modules"] == .bool(true))
            pids.insert(values["pid"].map { "\($0)" } ?? "")
            launcher.cleanUp(executionID: id)
            try await Self.waitForStandby(launcher, python: python)
        }
        #expect(standbys.served == 2)
        #expect(pids.count == 2, "a standby serves one execution only")
        _ = outputs(await launcher.run(job("own", ["PYTHONWARNINGS": "ignore"])) { _ in })
        #expect(standbys.served == 2, "a job setting a PYTHON variable does not take a standby")
        standbys.stopAll()
        #expect(standbys.readyCount(python: python) == 0)
        _ = outputs(await launcher.run(job("after-stop")) { _ in })
        #expect(standbys.served == 2)
        for id in ["first", "own", "after-stop"] { launcher.cleanUp(executionID: id) }
    }

    /// Elastic processes are bounded: with one slot, two executions run one after the other and
    /// the second one's logs say why it waited.
    @Test func elasticProcessesWaitForASlot() async throws {
        let python = try #require(Self.hostPython, "no host python")
        let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
        let root = try TestSupport.temporaryDirectory("slots")
        defer { try? FileManager.default.removeItem(at: root) }
        let codeDir = try Self.writeCode(in: root)
        let launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: workerPath,
                                                     blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"), maxProcesses: 1)
        defer { launcher.standby?.stopAll() }
        func job(_ id: String) -> WorkerJob {
            WorkerJob(executionID: id, pythonExecutable: python, codeDirectory: codeDir, functionPath: "src/main.py",
                      functionName: "nap", arguments: [:], fileArguments: [:], environment: [:], timeout: .seconds(30))
        }
        let first = Collected(), second = Collected()
        let start = ContinuousClock.now
        async let a = launcher.run(job("nap-1")) { first.add($0) }
        async let b = launcher.run(job("nap-2")) { second.add($0) }
        let outcomes = await [a, b]
        let elapsed = ContinuousClock.now - start
        for outcome in outcomes {
            guard case .returned(let outputs) = outcome, outputs["pid"] != nil else {
                Issue.record("expected a result, got \(outcome)"); return
            }
        }
        #expect(elapsed >= .milliseconds(1000), "the two naps must not overlap (took \(elapsed))")
        let waited = (first.all + second.all).filter { $0.message.contains("Waiting for a worker slot") }
        #expect(waited.count == 1, "\((first.all + second.all).map(\.message))")
        #expect(launcher.slots.holders == 0)
        launcher.cleanUp(executionID: "nap-1")
        launcher.cleanUp(executionID: "nap-2")
    }
}
