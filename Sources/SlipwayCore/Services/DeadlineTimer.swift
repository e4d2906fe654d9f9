import Foundation
import Synchronization

/// Coarse timeouts for many waiters at a low cost: one background loop, ticking every `tick`
/// while anything is scheduled, runs the actions whose deadline passed. Scheduling and
/// cancelling take a lock and create no task or timer of their own. Actions fire up to one
/// tick late; they run outside the lock and must not block.
///
/// The loop stops only after `idleTicks` ticks with nothing scheduled, so that one request at
/// a time (schedule, cancel, schedule…) does not start a task and arm a timer every time.
public final class DeadlineTimer: Sendable {
    /// The process-wide timer (50 ms resolution), for hold limits and long polls.
    public static let shared = DeadlineTimer(tick: .milliseconds(50))

    public struct Token: Sendable, Hashable {
        fileprivate var id: UInt64
    }

    private struct State {
        var entries: [UInt64: (deadline: ContinuousClock.Instant, action: @Sendable () -> Void)] = [:]
        var nextID: UInt64 = 0
        var running = false
        var idle = 0
    }

    private let tick: Duration
    private let idleTicks: Int
    private let state = Mutex(State())

    public init(tick: Duration, idleTicks: Int = 100) {
        self.tick = tick
        self.idleTicks = max(idleTicks, 0)
    }

    /// Whether the background loop is running (for tests).
    public var isRunning: Bool { state.withLock { $0.running } }

    /// Runs `action` once `delay` has passed, unless cancelled first.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Token {
        let deadline = ContinuousClock.now + delay
        let (id, start) = state.withLock { state -> (UInt64, Bool) in
            state.nextID += 1
            state.entries[state.nextID] = (deadline, action)
            defer { state.running = true }
            return (state.nextID, !state.running)
        }
        if start { startLoop() }
        return Token(id: id)
    }

    /// Cancels a scheduled action; false when it already ran or was cancelled.
    @discardableResult
    public func cancel(_ token: Token) -> Bool {
        state.withLock { $0.entries.removeValue(forKey: token.id) != nil }
    }

    private func startLoop() {
        let tick = tick, idleTicks = idleTicks
        Task.detached { [self] in
            while true {
                try? await Task.sleep(for: tick)
                let now = ContinuousClock.now
                let due: [@Sendable () -> Void]? = state.withLock { state in
                    guard !state.entries.isEmpty else {
                        state.idle += 1
                        if state.idle > idleTicks {
                            state.running = false
                            state.idle = 0
                            return nil
                        }
                        return []
                    }
                    state.idle = 0
                    var due: [@Sendable () -> Void] = []
                    for (id, entry) in state.entries where entry.deadline <= now {
                        due.append(entry.action)
                        state.entries[id] = nil
                    }
                    return due
                }
                guard let due else { return }
                for action in due { action() }
            }
        }
    }
}
