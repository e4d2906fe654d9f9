import Foundation
import Synchronization

@testable import SlipwayCore

/// An `ElasticLauncher` that runs no process: each job gets the outcome of `script` (by default
/// `.returned([:])`), after the script's log lines. Jobs and clean-ups are recorded; `hold()`
/// keeps jobs running until `release()`, so tests can look at a running execution.
final class ScriptedLauncher: ElasticLauncher, Sendable {
    typealias Script = @Sendable (WorkerJob, _ log: @Sendable (LogLine) -> Void) async -> WorkerOutcome

    private struct State {
        var script: Script = { _, _ in .returned([:]) }
        var jobs: [WorkerJob] = []
        var cleanedUp: [String] = []
        var held = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    let root: URL

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-work-\(UUID().uuidString)")
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    /// Every later job gets this outcome.
    func respond(_ outcome: WorkerOutcome) {
        state.withLock { $0.script = { _, _ in outcome } }
    }

    /// Every later job runs `script`.
    func respond(_ script: @escaping Script) {
        state.withLock { $0.script = script }
    }

    /// Jobs wait before their outcome until `release()`.
    func hold() { state.withLock { $0.held = true } }

    func release() {
        let waiting = state.withLock { state in
            state.held = false
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Jobs received, in order.
    var jobs: [WorkerJob] { state.withLock { $0.jobs } }
    /// Execution ids whose work folder was cleaned up.
    var cleanedUp: [String] { state.withLock { $0.cleanedUp } }

    func run(_ job: WorkerJob, log: @escaping @Sendable (LogLine) -> Void) async -> WorkerOutcome {
        let script = state.withLock { state -> Script in
            state.jobs.append(job)
            return state.script
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { state -> Bool in
                if state.held { state.waiting.append(continuation) }
                return state.held
            }
            if !wait { continuation.resume() }
        }
        return await script(job, log)
    }

    func workDirectory(executionID: String) -> URL {
        root.appendingPathComponent(executionID)
    }

    func cleanUp(executionID: String) {
        state.withLock { $0.cleanedUp.append(executionID) }
        try? FileManager.default.removeItem(at: workDirectory(executionID: executionID))
    }

    /// Writes `text` where the worker would have collected a file output (`<index>/<name>` in
    /// the execution's outputs folder) and returns the path the function's result names.
    func collectFileOutput(executionID: String, index: Int = 0, fileName: String, text: String) throws -> String {
        let folder = outputsDirectory(executionID: executionID).appendingPathComponent(String(index))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(fileName)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
