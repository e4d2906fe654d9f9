import Foundation
import Logging
import SlipwayCore
import Synchronization

/// Pre-started worker interpreters for elastic executions, so that an execution does not pay
/// for starting Python and importing the worker. Each standby serves exactly one execution and
/// exits, as a process started for the execution would: nothing of one execution is visible to
/// the next. Replacements start in the background.
///
/// Sizing follows demand: an environment (a Python executable) gets standbys once it has run an
/// elastic execution, as many as the most of its executions running at once in the last
/// `demandWindow` (at least one, at most `perEnvironment`), and never more than `total` across
/// environments (each standby is an idle interpreter of about 10 MB). The standbys of an
/// environment unused for `idleLifetime`, or whose interpreter is gone, are stopped.
public final class StandbyWorkers: Sendable {
    public struct Limits: Sendable {
        public var total: Int
        public var perEnvironment: Int
        public var demandWindow: Duration
        public var idleLifetime: Duration

        public init(total: Int = min(8, 2 * ProcessInfo.processInfo.activeProcessorCount), perEnvironment: Int = 4,
                    demandWindow: Duration = .seconds(60), idleLifetime: Duration = .seconds(600)) {
            self.total = total
            self.perEnvironment = perEnvironment
            self.demandWindow = demandWindow
            self.idleLifetime = idleLifetime
        }
    }

    struct Pool {
        var ready: [StandbyWorker] = []
        var starting = 0
        var running = 0
        /// (time, executions running then) of the last `demandWindow`.
        var load: [(ContinuousClock.Instant, Int)] = []
        var lastUse: ContinuousClock.Instant
    }

    struct State {
        var pools: [String: Pool] = [:]
        var stopped = false
        var served = 0
        var forked = 0
        var held: Int { pools.values.reduce(0) { $0 + $1.ready.count + $1.starting } }
    }

    public let limits: Limits
    let directory: URL
    let logger: Logger
    let environment: @Sendable (String) -> [String: String]
    private let state = Mutex(State())
    /// Fork servers by interpreter: standbys are forked from them once they are up.
    private let forkServers = Mutex<[String: ForkServer]>([:])

    /// `environment(python)` is the start-up environment of a standby of that interpreter
    /// (each execution's own comes with its start line); standbys start in `directory`.
    public init(limits: Limits, directory: URL, logger: Logger, environment: @escaping @Sendable (String) -> [String: String]) {
        self.limits = limits
        self.directory = directory
        self.logger = logger
        self.environment = environment
    }

    /// An execution of `python` begins (call `end` when it is over): a standby to run it on,
    /// if one is ready. Variables Python reads only while starting (`PYTHON…`) cannot be given
    /// to a started interpreter, so an execution that sets one gets none.
    func begin(python: String, jobEnvironment: [String: String]) -> StandbyWorker? {
        let usable = !jobEnvironment.keys.contains { $0.hasPrefix("PYTHON") }
        let now = ContinuousClock.now
        let (taken, launches, stale, drained) = state.withLock { state -> (StandbyWorker?, Int, [StandbyWorker], Set<String>) in
            guard !state.stopped else { return (nil, 0, [], []) }
            var stale: [StandbyWorker] = []
            var drained: Set<String> = []
            // Standbys of an environment unused for a while, or whose interpreter was deleted.
            for (key, pool) in state.pools where key != python && !pool.ready.isEmpty
                && (now - pool.lastUse > limits.idleLifetime || !FileManager.default.isExecutableFile(atPath: key)) {
                stale += pool.ready
                state.pools[key]?.ready = []
                drained.insert(key)
            }
            var pool = state.pools[python] ?? Pool(lastUse: now)
            pool.lastUse = now
            pool.running += 1
            pool.load.removeAll { now - $0.0 > limits.demandWindow }
            pool.load.append((now, pool.running))
            var taken: StandbyWorker?
            while usable, taken == nil, let candidate = pool.ready.popLast() {
                if candidate.isAvailable { taken = candidate } else { stale.append(candidate) }
            }
            state.pools[python] = pool
            if taken != nil { state.served += 1 }
            let target = min(limits.perEnvironment, max(1, pool.load.map(\.1).max() ?? 1))
            let launches = max(0, min(target - pool.ready.count - pool.starting, limits.total - state.held))
            state.pools[python]?.starting += launches
            return (taken, launches, stale, drained)
        }
        for worker in stale { worker.close() }
        if !drained.isEmpty { stopForkServers { drained.contains($0) } }
        for _ in 0..<launches { launch(python: python) }
        return taken
    }

    /// The execution `begin` was called for is over.
    func end(python: String) {
        state.withLock { state in
            state.pools[python]?.running -= 1
            if let running = state.pools[python]?.running {
                state.pools[python]?.load.append((.now, running))
            }
        }
    }

    /// Standbys ready (started, not yet taken) for one interpreter.
    public func readyCount(python: String) -> Int {
        state.withLock { $0.pools[python]?.ready.count ?? 0 }
    }

    /// Executions handed to a standby so far.
    public var served: Int { state.withLock { $0.served } }

    /// Standbys forked from a fork server so far (the others were started as processes).
    public var forked: Int { state.withLock { $0.forked } }

    /// Whether the fork server of `python` is up.
    func forkServerIsReady(python: String) -> Bool {
        forkServers.withLock { $0[python]?.isReady ?? false }
    }

    /// Process ids of the ready standbys of `python` (0 for one whose process is not started yet).
    func readyProcessIDs(python: String) -> [Int32] {
        state.withLock { $0.pools[python]?.ready.map(\.processIdentifier) ?? [] }
    }

    /// Stops every standby and starts no more (server shutdown).
    public func stopAll() {
        let workers = state.withLock { state -> [StandbyWorker] in
            state.stopped = true
            let workers = state.pools.values.flatMap(\.ready)
            for key in state.pools.keys { state.pools[key]?.ready = [] }
            return workers
        }
        for worker in workers { worker.close() }
        stopForkServers { _ in true }
    }

    /// The running fork server of `python`, if it is up; one is started when there is none
    /// (while it starts, standbys are started as processes of their own).
    private func readyForkServer(python: String) -> ForkServer? {
        let (server, started) = forkServers.withLock { servers -> (ForkServer?, ForkServer?) in
            if let server = servers[python], !server.hasEnded { return (server.isReady ? server : nil, nil) }
            guard servers.count < limits.total || servers[python] != nil else { return (nil, nil) }
            let server = ForkServer(python: python)
            servers[python] = server
            return (nil, server)
        }
        started?.start(environment: environment(python), directory: directory, logger: logger)
        return server
    }

    private func stopForkServers(where matches: (String) -> Bool) {
        let stopped = forkServers.withLock { servers -> [ForkServer] in
            let keys = servers.keys.filter(matches)
            return keys.compactMap { servers.removeValue(forKey: $0) }
        }
        for server in stopped { server.stop() }
    }

    private func launch(python: String) {
        // An interpreter that is gone (its environment removed) gets no standbys.
        guard FileManager.default.isExecutableFile(atPath: python) else {
            state.withLock { $0.pools[python]?.starting -= 1 }
            stopForkServers { $0 == python }
            return
        }
        let worker = StandbyWorker(python: python)
        if let server = readyForkServer(python: python) {
            state.withLock { $0.forked += 1 }
            worker.start(forkingFrom: server) { [weak self] in self?.remove(worker) }
        } else {
            worker.start(environment: environment(python), directory: directory, logger: logger) { [weak self] in
                self?.remove(worker)
            }
        }
        let keep = state.withLock { state -> Bool in
            state.pools[python]?.starting -= 1
            guard !state.stopped else { return false }
            state.pools[python]?.ready.append(worker)
            return true
        }
        if !keep { worker.close() }
    }

    private func remove(_ worker: StandbyWorker) {
        state.withLock { state in
            state.pools[worker.python]?.ready.removeAll { $0 === worker }
        }
    }
}
