import Foundation
import Synchronization

@testable import SlipwayCore

/// A `ProgramLauncher` that runs nothing: each run logs `lines` and ends with `outcome`, or,
/// when `blocking`, waits until its task is cancelled (a kill) and answers `.cancelled`.
/// Records every invocation.
final class FakeProgramLauncher: ProgramLauncher, Sendable {
    private struct State {
        var invocations: [ProgramInvocation] = []
        var outcome: ProgramOutcome = .exited(0)
        var blocking = false
        var lines = ["hello from the program"]
    }

    private let state = Mutex(State())
    let standIns = "/nonexistent/slipway_shims"

    func answer(_ outcome: ProgramOutcome) { state.withLock { $0.outcome = outcome } }
    func block(_ flag: Bool) { state.withLock { $0.blocking = flag } }
    var invocations: [ProgramInvocation] { state.withLock { $0.invocations } }

    func run(_ program: ProgramInvocation, log: @escaping @Sendable (LogLine) -> Void) async -> ProgramOutcome {
        let (outcome, blocking, lines) = state.withLock { state in
            state.invocations.append(program)
            return (state.outcome, state.blocking, state.lines)
        }
        for line in lines { log(LogLine(timestamp: Date(), stream: .stdout, message: line)) }
        guard blocking else { return outcome }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
        return .cancelled
    }
}
