import Testing

@testable import SlipwayCore

@Suite("Execution and creation state machines")
struct StateMachineTests {
    static let allEvents: [ExecutionStateMachine.Event] = [.start, .succeed, .fail("f"), .error("e"), .skip("s")]

    /// The full table of accepted transitions; every other (status, event) pair must be rejected.
    static func expectedNext(_ status: ExecutionStatus, _ event: ExecutionStateMachine.Event) -> ExecutionStatus? {
        switch (status, event) {
        case (.pending, .start): .running
        case (.pending, .fail), (.running, .fail): .failed
        case (.pending, .error), (.running, .error): .error
        case (.pending, .skip): .skipped
        case (.running, .succeed): .succeeded
        default: nil
        }
    }

    @Test(arguments: ExecutionStatus.allCases)
    func executionTransitionTable(_ status: ExecutionStatus) {
        for event in Self.allEvents {
            var machine = ExecutionStateMachine(status: status)
            let action = machine.handle(event)
            if let next = Self.expectedNext(status, event) {
                var message: String?
                switch event {
                case .fail(let m), .error(let m), .skip(let m): message = m
                default: message = nil
                }
                #expect(action == .transition(from: status, to: next, message: message), "\(status) + \(event)")
                #expect(machine.status == next)
            } else {
                guard case .reject = action else {
                    Issue.record("\(status) + \(event) should be rejected, got \(action)")
                    continue
                }
                #expect(machine.status == status, "a rejected event must not change the status")
            }
        }
    }

    @Test(arguments: ExecutionStatus.allCases.filter(\.isFinal))
    func finalStatesRejectEverything(_ status: ExecutionStatus) {
        for event in Self.allEvents {
            var machine = ExecutionStateMachine(status: status)
            guard case .reject(let reason) = machine.handle(event) else {
                Issue.record("final status \(status) accepted \(event)")
                continue
            }
            #expect(reason.contains(status.rawValue))
            #expect(machine.status == status)
        }
    }

    @Test func finalFlags() {
        #expect(!ExecutionStatus.pending.isFinal)
        #expect(!ExecutionStatus.running.isFinal)
        #expect(ExecutionStatus.succeeded.isFinal)
        #expect(ExecutionStatus.skipped.isFinal)
        #expect(ExecutionStatus.failed.isFinal)
        #expect(ExecutionStatus.error.isFinal)
    }

    @Test func happyPathThenNothingElse() {
        var machine = ExecutionStateMachine()
        #expect(machine.status == .pending)
        #expect(machine.handle(.start) == .transition(from: .pending, to: .running, message: nil))
        #expect(machine.handle(.succeed) == .transition(from: .running, to: .succeeded, message: nil))
        if case .transition = machine.handle(.fail("late")) { Issue.record("late failure accepted") }
        #expect(machine.status == .succeeded)
    }

    @Test func creationReady() {
        var machine = CreationStateMachine()
        #expect(machine.status == .pending)
        #expect(machine.handle(.environmentReady(environmentKey: "k")) == .transition(to: .ready))
        #expect(machine.status == .ready)
        guard case .reject = machine.handle(.buildFailed(reason: "x")) else {
            Issue.record("ready step accepted buildFailed"); return
        }
        guard case .reject = machine.handle(.environmentReady(environmentKey: "k")) else {
            Issue.record("ready step accepted environmentReady again"); return
        }
        #expect(machine.status == .ready)
    }

    @Test func creationFailed() {
        var machine = CreationStateMachine()
        #expect(machine.handle(.buildFailed(reason: "pip")) == .transition(to: .failed))
        guard case .reject = machine.handle(.environmentReady(environmentKey: "k")) else {
            Issue.record("failed step became ready"); return
        }
        #expect(machine.status == .failed)
    }
}
