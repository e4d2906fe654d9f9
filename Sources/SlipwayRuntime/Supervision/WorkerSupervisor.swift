import DequeModule
import Foundation
import SlipwayCore

/// Every decision about the resident worker of one low-latency deployment: its processes
/// (start, ready, crash replacement with crash-loop backoff, load failure, stop, retirement
/// after a reload) and its executions (admission to `concurrency` slots and a bounded queue,
/// sending, results, deadlines).
///
/// A value without I/O, clocks or locks: `handle(_:)` takes what happened (time included) and
/// returns what to do. `ResidentWorker` keeps it behind one lock and performs the actions.
/// `Request` is what the owner needs to send and answer one execution; `Channel` the pipes of
/// one process.
struct WorkerSupervisor<Request, Channel> {
    enum Phase: Equatable {
        case idle
        /// Waiting for the process to be ready; `attempt` counts consecutive failed starts.
        case starting(attempt: Int)
        case ready
        /// Stop asked: the process finishes its running executions within a grace period.
        case stopping
        case stopped
        /// Given up (the code cannot be imported, or every start attempt failed).
        case failed(String)
    }

    /// The current process, from `.spawn` to its exit.
    struct Process {
        var generation: Int
        var channel: Channel?
        var pid: Int32?
        var startedAt: Date?
        /// Its uptime, for crash-loop backoff, counts from its `ready`.
        var readyAt: ContinuousClock.Instant?
        /// The execution whose deadline made us kill it.
        var timedOut: String?
        var launchDelay: Duration
    }

    /// A job waiting for its ticket's slot.
    struct Pending {
        var executionID: String
        var timeout: Duration
        var request: Request
    }

    /// An admitted ticket whose job is not sent yet.
    enum Ticket {
        /// Holds a slot; its job is sent as soon as it is submitted.
        case granted
        /// Waits in the queue, with its job once submitted.
        case waiting(Pending?)
    }

    /// A sent execution, until its result or the end of its process.
    struct InFlight {
        var ticket: UInt64
        var request: Request
        var deadline: ContinuousClock.Instant
    }

    static var stoppedBeforeStart: String { "the deployment's worker stopped before the execution could start" }
    static var notRunning: String { "the deployment's worker is not running" }
    static var stopped: String { "the deployment's worker was stopped" }

    let configuration: Configuration
    private(set) var phase: Phase = .idle
    /// Replaced by a reload: admits nothing, finishes what it admitted, then stops. Its status
    /// changes no longer speak for the deployment (they become log lines).
    private(set) var retiring = false
    private(set) var process: Process?
    /// Processes spawned so far (the generation of the last one).
    private(set) var processCount = 0
    /// Consecutive losses of a ready process, each sooner than `stableUptime` after its ready.
    private(set) var quickLosses = 0
    private var tickets: [UInt64: Ticket] = [:]
    /// Queued tickets, oldest first.
    private(set) var waiting: Deque<UInt64> = []
    private var inFlight: [String: InFlight] = [:]
    /// Tickets holding a slot without their job sent yet.
    private(set) var granted = 0
    private var lastTicket: UInt64 = 0
    private var deadlineCheckScheduled = false

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Slots taken: granted tickets and sent executions.
    var slotsInUse: Int { granted + inFlight.count }
    var runningExecutions: Int { inFlight.count }

    /// Whether it has stopped for good (a retired worker is then forgotten).
    var isStopped: Bool {
        switch phase {
        case .idle, .stopped, .failed: true
        case .starting, .ready, .stopping: false
        }
    }

    /// The request of a sent execution (its log lines go to it).
    func request(forExecution executionID: String) -> Request? {
        inFlight[executionID]?.request
    }

    /// Backoff before the n-th consecutive start (1-based).
    static func backoff(attempt: Int) -> Duration {
        attempt <= 1 ? .zero : .milliseconds(min(5_000, 250 << min(attempt - 2, 8)))
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }

    // MARK: - Admission

    /// Reserves a place for one execution: a free slot of a ready process, else a queue place
    /// (while starting, or with every slot busy), else nothing.
    mutating func admit() -> Admission {
        guard !retiring else { return .notRunning }
        switch phase {
        case .starting, .ready: break
        case .idle, .stopping, .stopped, .failed: return .notRunning
        }
        if phase == .ready, slotsInUse < configuration.concurrency, waiting.isEmpty {
            lastTicket += 1
            tickets[lastTicket] = .granted
            granted += 1
            return .admitted(ticket: lastTicket, startsNow: true)
        }
        guard waiting.count < configuration.queueLimit else { return .queueFull(limit: configuration.queueLimit) }
        lastTicket += 1
        tickets[lastTicket] = .waiting(nil)
        waiting.append(lastTicket)
        return .admitted(ticket: lastTicket, startsNow: false)
    }

    // MARK: - Events

    mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .start: return start()
        case .pipesOpened(let generation, let channel, let date): return pipesOpened(generation, channel, at: date)
        case .attached(let generation, let pid):
            if process?.generation == generation { process?.pid = pid }
            return []
        case .ready(let generation, let now): return ready(generation, at: now)
        case .loadFailed(let generation, let text): return loadFailed(generation, text)
        case .result(let generation, let executionID, let outcome, let now):
            return result(generation, executionID, outcome, at: now)
        case .exited(let generation, let text, let now): return exited(generation, text, at: now)
        case .submit(let ticket, let executionID, let timeout, let request, let now):
            return submit(ticket, Pending(executionID: executionID, timeout: timeout, request: request), at: now)
        case .release(let ticket, let now): return release(ticket, at: now)
        case .deadlineCheck(let now): return deadlineCheck(at: now)
        case .graceExpired(let generation):
            guard let process, process.generation == generation, let pid = process.pid else { return [] }
            return [.kill(pid: pid)]
        case .retire:
            retiring = true
            guard phase == .ready else { return stop() }
            var actions: [Action] = []
            stopIfDrained(&actions)
            return actions
        case .stop: return stop()
        }
    }

    // MARK: - Processes

    private mutating func start() -> [Action] {
        guard phase == .idle else { return [] }
        phase = .starting(attempt: 1)
        quickLosses = 0
        return [report(.workerStarting, "Starting the worker"), spawn(after: .zero)]
    }

    private mutating func spawn(after delay: Duration) -> Action {
        processCount += 1
        process = Process(generation: processCount, launchDelay: delay)
        return .spawn(generation: processCount)
    }

    private mutating func pipesOpened(_ generation: Int, _ channel: Channel, at date: Date) -> [Action] {
        guard var process, process.generation == generation, process.channel == nil, case .starting = phase else {
            return [.discard(channel)]
        }
        process.channel = channel
        process.startedAt = date
        self.process = process
        return [.launch(generation: generation, channel: channel, delay: process.launchDelay)]
    }

    private mutating func ready(_ generation: Int, at now: ContinuousClock.Instant) -> [Action] {
        guard process?.generation == generation, case .starting = phase else { return [] }
        phase = .ready
        process?.readyAt = now
        var actions = [report(.workerReady, "Worker ready: step module imported successfully")]
        fillSlots(at: now, into: &actions)
        return actions
    }

    private mutating func loadFailed(_ generation: Int, _ text: String) -> [Action] {
        guard process?.generation == generation else { return [] }
        var actions: [Action] = []
        switch phase {
        case .starting, .ready:
            phase = .failed(text)
            failInFlight(text, into: &actions)
            dropQueue(into: &actions)
            actions.append(report(.workerFailed(text), "The step module could not be imported: \(text)"))
        case .stopping:
            phase = .stopped
            failInFlight(Self.stopped, into: &actions)
        case .idle, .stopped, .failed:
            break
        }
        return actions
    }

    private mutating func exited(_ generation: Int, _ text: String, at now: ContinuousClock.Instant) -> [Action] {
        guard let lost = process, lost.generation == generation else { return [] }
        process = nil
        var actions: [Action] = []
        switch phase {
        case .ready where retiring:
            // A retiring worker is not replaced: what it was running fails, it stops.
            failInFlight(text, timedOut: lost.timedOut, replaced: false, into: &actions)
            phase = .stopped
            dropQueue(into: &actions)
            actions.append(.removeWorkingDirectory)
        case .ready:
            failInFlight(text, timedOut: lost.timedOut, replaced: true, into: &actions)
            dropGranted()
            // A process that keeps dying soon after its start (a crash in a background thread of
            // the step module, an execution that always kills it) is replaced with a growing
            // delay instead of in a tight loop; one that ran for a while is replaced at once.
            let uptime = lost.readyAt.map { now - $0 } ?? .zero
            quickLosses = uptime < configuration.stableUptime ? quickLosses + 1 : 1
            phase = .starting(attempt: 1)
            let delay = Self.backoff(attempt: quickLosses)
            let when = delay == .zero ? "" : " in \(Self.describe(delay)) (lost \(quickLosses) times in a row, "
                + "each within \(Self.describe(configuration.stableUptime)) of its start)"
            actions.append(report(.workerLost(text), "Worker lost (\(text)); starting a replacement\(when)"))
            actions.append(spawn(after: delay))
        case .starting(let attempt) where attempt < configuration.maxStartAttempts:
            phase = .starting(attempt: attempt + 1)
            actions.append(report(.workerLost(text), "Worker exited while starting (\(text)); retrying"))
            actions.append(spawn(after: Self.backoff(attempt: attempt + 1)))
        case .starting(let attempt):
            let message = "the worker failed to start \(attempt) times in a row; last: \(text)"
            phase = .failed(message)
            dropQueue(into: &actions)
            actions.append(report(.workerFailed(message), "Giving up: \(message)"))
            actions.append(.removeWorkingDirectory)
        case .stopping:
            phase = .stopped
            failInFlight(Self.stopped, into: &actions)
            actions.append(.removeWorkingDirectory)
        case .idle, .stopped, .failed:
            actions.append(.removeWorkingDirectory)
        }
        return actions
    }

    /// Stops for good: queued executions fail at once, running ones may finish within the
    /// grace period (the process is then killed and they fail).
    private mutating func stop() -> [Action] {
        var actions: [Action] = []
        switch phase {
        case .stopping, .stopped:
            return []
        case .idle, .failed:
            phase = .stopped
        case .starting, .ready:
            if let process, let channel = process.channel {
                phase = .stopping
                actions.append(.terminate(generation: process.generation, channel: channel,
                                          grace: configuration.stopGrace))
            } else {
                // Its pipes are not even open: nothing runs (they are discarded when they are).
                phase = .stopped
                process = nil
            }
        }
        dropQueue(into: &actions)
        return actions
    }

    /// A retiring worker stops once it has nothing left to run.
    private mutating func stopIfDrained(_ actions: inout [Action]) {
        guard retiring, phase == .ready, tickets.isEmpty, inFlight.isEmpty else { return }
        actions += stop()
    }

    private func report(_ event: DeploymentStateMachine.Event, _ text: String) -> Action {
        // A retiring worker's changes do not speak for the deployment, whose new worker may
        // already be up.
        retiring ? .log(text) : .status(event, text)
    }

    // MARK: - Executions

    private mutating func submit(_ ticket: UInt64, _ job: Pending, at now: ContinuousClock.Instant) -> [Action] {
        switch tickets[ticket] {
        case .granted?:
            tickets[ticket] = nil
            granted -= 1
            guard phase == .ready, let channel = process?.channel else {
                var actions: [Action] = [.complete(job.request, .unavailable(Self.notRunning))]
                fillSlots(at: now, into: &actions)
                return actions
            }
            var actions: [Action] = []
            actions.reserveCapacity(2)
            send(ticket, job, on: channel, at: now, into: &actions)
            return actions
        case .waiting(nil)?:
            tickets[ticket] = .waiting(job)
            return []
        case .waiting?, nil:
            // Released, dropped by a stop or a lost process, or submitted twice.
            return [.complete(job.request, .unavailable(Self.notRunning))]
        }
    }

    private mutating func result(_ generation: Int, _ executionID: String, _ outcome: WorkerOutcome,
                                 at now: ContinuousClock.Instant) -> [Action] {
        guard process?.generation == generation, let call = inFlight.removeValue(forKey: executionID) else { return [] }
        var actions: [Action] = [.complete(call.request, outcome)]
        fillSlots(at: now, into: &actions)
        stopIfDrained(&actions)
        return actions
    }

    private mutating func release(_ ticket: UInt64, at now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        switch tickets.removeValue(forKey: ticket) {
        case .granted?:
            granted -= 1
            fillSlots(at: now, into: &actions)
        case .waiting(let job)?:
            if let index = waiting.firstIndex(of: ticket) { waiting.remove(at: index) }
            if let job { actions.append(.complete(job.request, .unavailable(Self.stoppedBeforeStart))) }
        case nil:
            break   // its job ran (or it was dropped)
        }
        stopIfDrained(&actions)
        return actions
    }

    /// Checks the sent executions against their deadlines while there are any. A thread cannot
    /// be stopped from outside: the whole process is killed (and replaced).
    private mutating func deadlineCheck(at now: ContinuousClock.Instant) -> [Action] {
        deadlineCheckScheduled = false
        guard !inFlight.isEmpty else { return [] }
        var actions: [Action] = []
        if var process, process.timedOut == nil, let pid = process.pid {
            var late: (id: String, deadline: ContinuousClock.Instant)?
            for (id, call) in inFlight where call.deadline <= now && late.map({ call.deadline < $0.deadline }) ?? true {
                late = (id, call.deadline)
            }
            if let late {
                process.timedOut = late.id
                self.process = process
                actions.append(.kill(pid: pid))
            }
        }
        deadlineCheckScheduled = true
        actions.append(.scheduleDeadlineCheck(after: configuration.deadlineCheckInterval))
        return actions
    }

    /// Gives free slots to the queue, oldest first: sends the jobs already submitted, keeps the
    /// slot for the others until they are.
    private mutating func fillSlots(at now: ContinuousClock.Instant, into actions: inout [Action]) {
        guard phase == .ready, !waiting.isEmpty, let channel = process?.channel else { return }
        while slotsInUse < configuration.concurrency, let next = waiting.popFirst() {
            if case .waiting(let job?)? = tickets[next] {
                tickets[next] = nil
                send(next, job, on: channel, at: now, into: &actions)
            } else {
                tickets[next] = .granted
                granted += 1
            }
        }
    }

    private mutating func send(_ ticket: UInt64, _ job: Pending, on channel: Channel, at now: ContinuousClock.Instant,
                               into actions: inout [Action]) {
        inFlight[job.executionID] = InFlight(ticket: ticket, request: job.request, deadline: now + job.timeout)
        actions.append(.send(channel, job.request))
        if !deadlineCheckScheduled {
            deadlineCheckScheduled = true
            actions.append(.scheduleDeadlineCheck(after: configuration.deadlineCheckInterval))
        }
    }

    /// The sent executions of a lost process fail, in the order they were admitted: the one
    /// whose deadline got it killed as timed out, the others as crashed.
    private mutating func failInFlight(_ text: String, timedOut: String? = nil, replaced: Bool = false,
                                       into actions: inout [Action]) {
        if let timedOut, let call = inFlight.removeValue(forKey: timedOut) {
            let timeout = configuration.executionTimeout
            actions.append(.complete(call.request, .timedOut(timeout)))
            actions.append(.log("Execution \"\(timedOut)\" exceeded its timeout of \(timeout.components.seconds) s; "
                + (replaced ? "the worker was stopped and is being replaced" : "the worker was stopped")))
        }
        for call in inFlight.values.sorted(by: { $0.ticket < $1.ticket }) {
            actions.append(.complete(call.request, .crashed(text)))
        }
        inFlight.removeAll()
    }

    /// The slots granted to jobs not sent yet are lost with the process (their submission is
    /// refused); the queue waits for the replacement.
    private mutating func dropGranted() {
        guard granted > 0 else { return }
        tickets = tickets.filter { if case .granted = $0.value { false } else { true } }
        granted = 0
    }

    /// Drops every admitted ticket whose job is not sent: queued jobs fail.
    private mutating func dropQueue(into actions: inout [Action]) {
        for ticket in waiting {
            if case .waiting(let job?)? = tickets[ticket] {
                actions.append(.complete(job.request, .unavailable(Self.stoppedBeforeStart)))
            }
        }
        waiting.removeAll()
        tickets.removeAll()
        granted = 0
    }
}

extension WorkerSupervisor: Sendable where Request: Sendable, Channel: Sendable {}
extension WorkerSupervisor.Process: Sendable where Channel: Sendable {}
extension WorkerSupervisor.Pending: Sendable where Request: Sendable {}
extension WorkerSupervisor.Ticket: Sendable where Request: Sendable {}
extension WorkerSupervisor.InFlight: Sendable where Request: Sendable {}
