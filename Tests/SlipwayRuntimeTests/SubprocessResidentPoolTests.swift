import Foundation
import Logging
import Synchronization
import Testing

@testable import SlipwayCore
@testable import SlipwayRuntime

@Suite("Resident worker pool with real worker processes")
struct SubprocessResidentPoolTests {
    static let code = """
        import os, time

        def work(seconds):
            time.sleep(seconds)
            with open("written-by-work.txt", "w") as f:
                f.write("x")
            return {"pid": os.getpid(), "cwd": os.getcwd()}
        """

    struct Fixture {
        let pool: SubprocessResidentPool
        let root: URL
        let python: String
        let codeDirectory: URL

        init() throws {
            python = try #require(RuntimeTests.hostPython, "no host python")
            let workerPath = try #require(WorkerLocator.pythonPath(), "slipway_worker not found")
            root = try TestSupport.temporaryDirectory("resident-pool")
            codeDirectory = root.appendingPathComponent("code")
            try FileManager.default.createDirectory(at: codeDirectory, withIntermediateDirectories: true)
            try Data(SubprocessResidentPoolTests.code.utf8).write(to: codeDirectory.appendingPathComponent("main.py"))
            pool = SubprocessResidentPool(runsRoot: root.appendingPathComponent("runs"), workerPythonPath: workerPath,
                                          blobs: try TestSupport.blobs(in: root), logger: Logger(label: "test"))
        }

        func spec(generation: Int, concurrency: Int) -> ResidentWorkerSpec {
            ResidentWorkerSpec(deploymentID: "dep-1", deploymentName: "reloaded", generation: generation,
                               pythonExecutable: python, codeDirectory: codeDirectory, functionPath: "main.py",
                               functionName: "work", concurrency: concurrency, queueLimit: 10, memoryLimitBytes: nil,
                               executionTimeout: .seconds(30), environment: [:])
        }

        func admit() throws -> ResidentTicket {
            guard case .admitted(let ticket) = pool.admit(deploymentID: "dep-1") else {
                throw CocoaError(.featureUnsupported)
            }
            return ticket
        }

        /// Runs `work(seconds)` and returns the pid of the worker process that ran it.
        func run(_ seconds: Double, id: String) async throws -> Int32 {
            let ticket = try admit()
            defer { pool.release(ticket) }
            let outcome = await pool.run(ticket, job: job(seconds, id: id), log: { _ in })
            return try Self.pid(outcome)
        }

        func job(_ seconds: Double, id: String) -> ResidentJob {
            ResidentJob(executionID: id, arguments: ["seconds": .number(seconds)], fileArguments: [:],
                        timeout: .seconds(30))
        }

        /// Starts the first worker (one slot) and gives it one execution running for a second and
        /// one queued behind it; returns the worker's pid and the two tickets.
        func startBusyWorker(outcomes: Outcomes, queuedSeconds: Double)
            async throws -> (pid: Int32, running: ResidentTicket, queued: ResidentTicket) {
            await pool.start(spec(generation: 1, concurrency: 1)) { _ in }
            let pid = try await run(0, id: "warm-up")
            let running = try admit()
            pool.submit(running, job: job(1.0, id: "running"), log: { _ in }, completion: outcomes.record("running"))
            let queued = try admit()
            pool.submit(queued, job: job(queuedSeconds, id: "queued"), log: { _ in }, completion: outcomes.record("queued"))
            try await Task.sleep(for: .milliseconds(200))
            return (pid, running, queued)
        }

        static func pid(_ outcome: WorkerOutcome) throws -> Int32 {
            guard case .returned(let outputs) = outcome, case .number(let pid)? = outputs["pid"] else {
                Issue.record("expected a result, got \(outcome)")
                throw CocoaError(.coderInvalidValue)
            }
            return Int32(pid)
        }
    }

    final class Outcomes: Sendable {
        private let values = Mutex<[String: WorkerOutcome]>([:])
        func record(_ id: String) -> @Sendable (WorkerOutcome) -> Void {
            { outcome in self.values.withLock { $0[id] = outcome } }
        }
        func value(_ id: String) -> WorkerOutcome? { values.withLock { $0[id] } }
        func wait(for ids: [String], upTo limit: Duration = .seconds(20)) async {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline, ids.contains(where: { value($0) == nil }) {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// Waits (up to 10 s) for a process to exit; false if it is still running.
    static func exits(_ pid: Int32) async throws -> Bool {
        for _ in 0..<200 where isAlive(pid) { try await Task.sleep(for: .milliseconds(50)) }
        return !isAlive(pid)
    }

    /// A reload must not fail what the previous worker already admitted: its running and queued
    /// executions finish there, new ones go to the new worker, and the previous one then exits.
    @Test func aReloadDrainsThePreviousWorker() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let pool = fixture.pool
        // One execution running, one queued behind it (one slot), both on the first worker.
        let outcomes = Outcomes()
        let (firstPID, running, queued) = try await fixture.startBusyWorker(outcomes: outcomes, queuedSeconds: 0.2)
        #expect(!queued.startsNow)

        await pool.start(fixture.spec(generation: 2, concurrency: 1)) { _ in }
        let secondPID = try await fixture.run(0, id: "after-reload")
        #expect(secondPID != firstPID, "new executions go to the new worker")

        await outcomes.wait(for: ["running", "queued"])
        pool.release(running)
        pool.release(queued)
        #expect(try Fixture.pid(try #require(outcomes.value("running"))) == firstPID)
        #expect(try Fixture.pid(try #require(outcomes.value("queued"))) == firstPID)

        // Drained: the previous process exits; the new one keeps serving.
        #expect(try await Self.exits(firstPID), "the retired worker must stop once drained")
        #expect(try await fixture.run(0, id: "later") == secondPID)
        await pool.stopAll()
    }

    /// The worker runs in a copy of the code of its own (relative writes stay out of the stored
    /// code), removed once the worker has stopped.
    @Test func theWorkerRunsInItsOwnCopyOfTheCode() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let pool = fixture.pool
        await pool.start(fixture.spec(generation: 1, concurrency: 2)) { _ in }
        let ticket = try fixture.admit()
        let outcome = await pool.run(ticket, job: fixture.job(0, id: "cwd"), log: { _ in })
        pool.release(ticket)
        guard case .returned(let outputs) = outcome, let cwd = outputs["cwd"]?.stringValue,
              case .number(let pid)? = outputs["pid"] else {
            Issue.record("expected a result, got \(outcome)"); return
        }
        let runs = fixture.root.appendingPathComponent("runs").standardizedFileURL.path
        #expect(cwd.hasPrefix(runs + "/worker-dep-1-"), "\(cwd)")
        #expect(FileManager.default.fileExists(atPath: cwd + "/written-by-work.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.codeDirectory.path) == ["main.py"])

        await pool.stop(deploymentID: "dep-1")
        #expect(try await Self.exits(Int32(pid)))
        for _ in 0..<100 where FileManager.default.fileExists(atPath: cwd) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!FileManager.default.fileExists(atPath: cwd), "the worker's folder is removed once it stopped")
    }

    /// Stopping the deployment (disable, delete) stops a retiring worker too: as for any stop,
    /// its running execution may finish within the grace period (and is answered, although the
    /// pool no longer holds the worker), its queued ones do not start.
    @Test func stoppingAlsoStopsARetiringWorker() async throws {
        let fixture = try Fixture()
        defer { try? FileManager.default.removeItem(at: fixture.root) }
        let pool = fixture.pool
        let outcomes = Outcomes()
        let (firstPID, running, queued) = try await fixture.startBusyWorker(outcomes: outcomes, queuedSeconds: 0)
        await pool.start(fixture.spec(generation: 2, concurrency: 1)) { _ in }
        await pool.stop(deploymentID: "dep-1")
        #expect(pool.admit(deploymentID: "dep-1") == .notRunning)
        await outcomes.wait(for: ["running", "queued"])
        pool.release(running)
        pool.release(queued)
        #expect(try Fixture.pid(try #require(outcomes.value("running"))) == firstPID)
        guard case .unavailable? = outcomes.value("queued") else {
            Issue.record("the queued execution must not start after a stop, got \(String(describing: outcomes.value("queued")))")
            return
        }
        #expect(try await Self.exits(firstPID))
    }
}
