import DequeModule
import Foundation

/// Admission of executions to a resident worker: at most `capacity` run at once, at most
/// `queueLimit` wait, anything beyond is refused. Pure bookkeeping; the supervisor actor does
/// the sending.
public struct ResidentDispatchState<Ticket: Hashable & Sendable>: Sendable {
    public enum Admission: Sendable, Equatable {
        /// Send it to the worker now.
        case dispatch
        /// Wait; `position` is 1-based.
        case queued(position: Int)
        /// The queue is full.
        case rejected
    }

    public private(set) var capacity: Int
    public let queueLimit: Int
    public private(set) var running: Set<Ticket> = []
    public private(set) var waiting: Deque<Ticket> = []
    private var waitingSet: Set<Ticket> = []
    /// False while no worker is ready: everything queues.
    public private(set) var accepting = false

    public init(capacity: Int, queueLimit: Int) {
        self.capacity = max(1, capacity)
        self.queueLimit = max(0, queueLimit)
    }

    public mutating func submit(_ ticket: Ticket) -> Admission {
        if accepting && running.count < capacity && waiting.isEmpty {
            running.insert(ticket)
            return .dispatch
        }
        guard waiting.count < queueLimit else { return .rejected }
        waiting.append(ticket)
        waitingSet.insert(ticket)
        return .queued(position: waiting.count)
    }

    /// Whether the ticket waits for a slot.
    public func isWaiting(_ ticket: Ticket) -> Bool {
        waitingSet.contains(ticket)
    }

    /// A running execution ended; returns the queued ones to dispatch now.
    public mutating func finish(_ ticket: Ticket) -> [Ticket] {
        running.remove(ticket)
        return drain()
    }

    /// A queued execution gave up waiting (its caller went away or it was cancelled).
    public mutating func withdraw(_ ticket: Ticket) -> Bool {
        guard waitingSet.remove(ticket) != nil, let index = waiting.firstIndex(of: ticket) else { return false }
        waiting.remove(at: index)
        return true
    }

    /// A worker is ready: returns the queued executions to dispatch.
    public mutating func workerReady() -> [Ticket] {
        accepting = true
        return drain()
    }

    /// The worker went away: its running executions are lost (returned), queued ones stay.
    public mutating func workerLost() -> [Ticket] {
        accepting = false
        let lost = Array(running)
        running.removeAll()
        return lost
    }

    /// The deployment stops for good: everything is returned for failing.
    public mutating func close() -> [Ticket] {
        accepting = false
        let all = Array(running) + waiting
        running.removeAll()
        waiting.removeAll()
        waitingSet.removeAll()
        return all
    }

    private mutating func drain() -> [Ticket] {
        guard accepting else { return [] }
        var ready: [Ticket] = []
        while running.count < capacity, !waiting.isEmpty {
            let next = waiting.removeFirst()
            waitingSet.remove(next)
            running.insert(next)
            ready.append(next)
        }
        return ready
    }
}
