import Foundation
import Logging
import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

/// Pre-started interpreters forked from an environment's fork server, with real worker processes.
@Suite("Standby workers forked from a fork server")
struct StandbyWorkersTests {
    static let code = """
        import os, sys, tempfile, threading, time

        STATE = []

        def taint():
            STATE.append("tainted")
            sys.modules["json"].tainted = True
            with open(os.path.join(tempfile.gettempdir(), "left-behind"), "w") as f:
                f.write("x")
            threading.Thread(target=time.sleep, args=(30,), name="left-running", daemon=True).start()
            return {"pid": os.getpid(), "ppid": os.getppid(), "tmp": tempfile.gettempdir()}

        def inspect():
            import json
            return {"pid": os.getpid(), "ppid": os.getppid(), "state": len(STATE), "tainted": hasattr(json, "tainted"),
                    "threads": [t.name for t in threading.enumerate()], "tmp": os.listdir(tempfile.gettempdir())}
        """

    struct Fixture {
        let python: String
        let root: URL
        let codeDir: URL
        let launcher: SubprocessElasticLauncher
        let standbys: StandbyWorkers

        init(python: String? = nil, limits: StandbyWorkers.Limits = .init(total: 2, perEnvironment: 1)) throws {
            self.python = try #require(python ?? RuntimeTests.hostPython, "no host python")
            let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
            root = try TestSupport.temporaryDirectory("forked")
            codeDir = root.appendingPathComponent("code")
            try FileManager.default.createDirectory(at: codeDir.appendingPathComponent("src"), withIntermediateDirectories: true)
            try Data(StandbyWorkersTests.code.utf8).write(to: codeDir.appendingPathComponent("src/main.py"))
            launcher = try SubprocessElasticLauncher(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: workerPath,
                                                     blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"),
                                                     standby: limits)
            standbys = try #require(launcher.standby)
        }

        func run(_ function: String, id: String, python: String? = nil) async -> [String: JSONValue] {
            let job = WorkerJob(executionID: id, pythonExecutable: python ?? self.python, codeDirectory: codeDir,
                                functionPath: "src/main.py", functionName: function, arguments: [:], fileArguments: [:],
                                environment: [:], timeout: .seconds(30))
            let outcome = await launcher.run(job) { _ in }
            guard case .returned(let values) = outcome else {
                Issue.record("expected a result from \(id), got \(outcome)")
                return [:]
            }
            return values
        }

        /// Waits until `condition` holds (20 s at most).
        func waitFor(_ what: String, _ condition: () -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition() {
                guard ContinuousClock.now < deadline else { Issue.record("timed out waiting for \(what)"); return }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        /// Runs executions until the ready standby is a forked one (the first ones are started
        /// as processes while the fork server starts).
        func untilForked() async throws {
            _ = await run("inspect", id: "first")
            try await waitFor("the fork server") { standbys.forkServerIsReady(python: python) }
            var round = 0
            while standbys.forked == 0 {
                round += 1
                try await waitFor("a standby") { standbys.readyCount(python: python) == 1 }
                _ = await run("inspect", id: "warm-\(round)")
                guard round < 5 else { Issue.record("no standby was forked"); return }
            }
            try await waitFor("a forked standby") { standbys.readyCount(python: python) == 1 }
        }
    }

    /// An execution that sets a module global, changes an imported module, writes a temporary
    /// file and leaves a thread running leaves nothing of it to the next execution: each runs in
    /// a process of its own, forked from the server (not from this process), in its own folder.
    @Test func forkedStandbysIsolateExecutions() async throws {
        let f = try Fixture()
        defer { f.standbys.stopAll(); try? FileManager.default.removeItem(at: f.root) }
        try await f.untilForked()
        let served = f.standbys.served
        let tainted = await f.run("taint", id: "taint")
        #expect(f.standbys.served == served + 1)
        #expect(tainted["ppid"] != .number(Double(getpid())), "a forked standby is the fork server's child")
        #expect(tainted["tmp"]?.stringValue == f.launcher.workDirectory(executionID: "taint").path + "/tmp")
        f.launcher.cleanUp(executionID: "taint")
        try await f.waitFor("a forked standby") { f.standbys.readyCount(python: f.python) == 1 }
        let next = await f.run("inspect", id: "next")
        #expect(f.standbys.served == served + 2)
        #expect(next["pid"] != tainted["pid"])
        #expect(next["ppid"] == tainted["ppid"], "both were forked by the same server")
        #expect(next["state"] == .number(0))
        #expect(next["tainted"] == .bool(false))
        #expect(next["tmp"] == .array([]))
        let threads = next["threads"]?.arrayValue ?? []
        #expect(!threads.isEmpty)
        #expect(!threads.contains(.string("left-running")))
        #expect(!FileManager.default.fileExists(atPath: f.launcher.workDirectory(executionID: "taint").path))
    }

    /// A forked standby killed while idle is not handed an execution (the execution starts a
    /// process of its own) and is replaced.
    @Test func aStandbyKilledWhileIdleIsReplaced() async throws {
        let f = try Fixture()
        defer { f.standbys.stopAll(); try? FileManager.default.removeItem(at: f.root) }
        try await f.untilForked()
        let pid = try #require(f.standbys.readyProcessIDs(python: f.python).first)
        #expect(pid > 0)
        #expect(kill(pid, SIGKILL) == 0)
        // The fork server reaps it: its process is gone.
        try await f.waitFor("the killed standby to be reaped") { !FileManager.default.fileExists(atPath: "/proc/\(pid)") }
        let served = f.standbys.served
        let values = await f.run("inspect", id: "after-kill")
        #expect(values["pid"] != .number(Double(pid)))
        #expect(f.standbys.served == served, "the killed standby served nothing")
        try await f.waitFor("a replacement") {
            f.standbys.readyCount(python: f.python) == 1 && f.standbys.readyProcessIDs(python: f.python).first != pid
        }
    }

    /// A timed-out execution on a forked standby has its process group killed.
    @Test func aForkedStandbyIsKilledAtItsTimeout() async throws {
        let f = try Fixture()
        defer { f.standbys.stopAll(); try? FileManager.default.removeItem(at: f.root) }
        try await f.untilForked()
        let sleeper = f.codeDir.appendingPathComponent("src/sleeper.py")
        try Data("import time\ndef nap():\n    time.sleep(60)\n".utf8).write(to: sleeper)
        let job = WorkerJob(executionID: "nap", pythonExecutable: f.python, codeDirectory: f.codeDir,
                            functionPath: "src/sleeper.py", functionName: "nap", arguments: [:], fileArguments: [:],
                            environment: [:], timeout: .seconds(1))
        let served = f.standbys.served
        let started = ContinuousClock.now
        let outcome = await f.launcher.run(job) { _ in }
        #expect(outcome == .timedOut(.seconds(1)))
        #expect(f.standbys.served == served + 1)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    /// The standbys of an environment whose interpreter was deleted are stopped, with its fork
    /// server, at the next execution of another environment; `stopAll` stops every one.
    @Test func aDeletedEnvironmentIsDrained() async throws {
        let host = try #require(RuntimeTests.hostPython, "no host python")
        let bin = try TestSupport.temporaryDirectory("venv-bin")
        defer { try? FileManager.default.removeItem(at: bin) }
        let linked = bin.appendingPathComponent("python").path
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: host)
        let f = try Fixture(python: linked, limits: .init(total: 4, perEnvironment: 1))
        defer { f.standbys.stopAll(); try? FileManager.default.removeItem(at: f.root) }
        try await f.untilForked()
        let pid = try #require(f.standbys.readyProcessIDs(python: linked).first)
        try FileManager.default.removeItem(atPath: linked)
        _ = await f.run("inspect", id: "other", python: host)
        #expect(f.standbys.readyCount(python: linked) == 0)
        #expect(!f.standbys.forkServerIsReady(python: linked))
        try await f.waitFor("the drained standby to exit") { !FileManager.default.fileExists(atPath: "/proc/\(pid)") }
        try await f.waitFor("a standby of the other environment") { f.standbys.readyCount(python: host) == 1 }
        f.standbys.stopAll()
        #expect(f.standbys.readyCount(python: host) == 0)
        #expect(!f.standbys.forkServerIsReady(python: host))
    }
}
