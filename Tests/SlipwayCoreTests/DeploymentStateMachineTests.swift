import Testing

@testable import SlipwayCore

@Suite("DeploymentStateMachine")
struct DeploymentStateMachineTests {
    static let allEvents: [DeploymentStateMachine.Event] = [
        .workerStarting, .workerReady, .workerFailed("import error"), .workerLost("killed"), .disable,
        .enable(.elastic), .enable(.lowLatency),
    ]

    /// The full table of accepted transitions; every other (status, event) pair must be rejected.
    static func expectedNext(_ status: DeploymentStatus, _ event: DeploymentStateMachine.Event) -> DeploymentStatus? {
        switch (status, event) {
        case (.disabled, .enable(.elastic)): .ready
        case (.disabled, .enable(.lowLatency)): .starting
        case (.disabled, _): nil
        case (_, .workerStarting): .starting
        case (.starting, .workerReady), (.restarting, .workerReady): .ready
        case (.starting, .workerFailed), (.restarting, .workerFailed), (.ready, .workerFailed): .failed
        case (.ready, .workerLost): .restarting
        case (_, .disable): .disabled
        default: nil
        }
    }

    static func message(of event: DeploymentStateMachine.Event) -> String? {
        switch event {
        case .workerFailed(let text), .workerLost(let text): text
        default: nil
        }
    }

    @Test(arguments: DeploymentStatus.allCases)
    func transitionTable(_ status: DeploymentStatus) {
        for event in Self.allEvents {
            var machine = DeploymentStateMachine(status: status)
            let action = machine.handle(event)
            if let next = Self.expectedNext(status, event) {
                #expect(action == .transition(from: status, to: next, message: Self.message(of: event)),
                        "\(status) + \(event)")
                #expect(machine.status == next, "\(status) + \(event)")
            } else {
                guard case .reject(let reason) = action else {
                    Issue.record("\(status) + \(event) should be rejected, got \(action)")
                    continue
                }
                #expect(!reason.isEmpty)
                #expect(machine.status == status, "a rejected event must not change the status (\(status) + \(event))")
            }
        }
    }

    @Test func initialStatus() {
        #expect(DeploymentStateMachine.initialStatus(mode: .elastic, enabled: true) == .ready)
        #expect(DeploymentStateMachine.initialStatus(mode: .lowLatency, enabled: true) == .starting)
        #expect(DeploymentStateMachine.initialStatus(mode: .elastic, enabled: false) == .disabled)
        #expect(DeploymentStateMachine.initialStatus(mode: .lowLatency, enabled: false) == .disabled)
    }

    @Test func disabledRejectsWorkerEventsWithAReason() {
        for event: DeploymentStateMachine.Event in [.workerStarting, .workerReady, .workerFailed("x"), .workerLost("y")] {
            var machine = DeploymentStateMachine(status: .disabled)
            #expect(machine.handle(event) == .reject(reason: "the deployment is disabled"), "\(event)")
            #expect(machine.status == .disabled)
        }
        var machine = DeploymentStateMachine(status: .disabled)
        #expect(machine.handle(.disable) == .reject(reason: "the deployment is already disabled"))
    }

    @Test(arguments: DeploymentStatus.allCases.filter { $0 != .disabled })
    func enableIsRejectedWhenAlreadyEnabled(_ status: DeploymentStatus) {
        for mode in [DeploymentMode.elastic, .lowLatency] {
            var machine = DeploymentStateMachine(status: status)
            #expect(machine.handle(.enable(mode)) == .reject(reason: "the deployment is already enabled"))
            #expect(machine.status == status)
        }
    }

    @Test func otherRejectionsNameTheStatus() {
        var up = DeploymentStateMachine(status: .ready)
        #expect(up.handle(.workerReady) == .reject(reason: "event not allowed in status ready"))
        var pending = DeploymentStateMachine(status: .starting)
        #expect(pending.handle(.workerLost("x")) == .reject(reason: "event not allowed in status starting"))
        var failed = DeploymentStateMachine(status: .failed)
        #expect(failed.handle(.workerReady) == .reject(reason: "event not allowed in status failed"))
        #expect(failed.handle(.workerFailed("again")) == .reject(reason: "event not allowed in status failed"))
        var standby = DeploymentStateMachine(status: .standby)
        #expect(standby.handle(.workerLost("x")) == .reject(reason: "event not allowed in status standby"))
    }

    @Test func lowLatencyLifecycle() {
        var machine = DeploymentStateMachine(status: DeploymentStateMachine.initialStatus(mode: .lowLatency, enabled: true))
        #expect(machine.status == .starting)
        #expect(machine.handle(.workerReady) == .transition(from: .starting, to: .ready, message: nil))
        #expect(machine.handle(.workerLost("OOM")) == .transition(from: .ready, to: .restarting, message: "OOM"))
        #expect(machine.handle(.workerReady) == .transition(from: .restarting, to: .ready, message: nil))
        // A reload restarts the worker on purpose.
        #expect(machine.handle(.workerStarting) == .transition(from: .ready, to: .starting, message: nil))
        #expect(machine.handle(.workerFailed("SyntaxError")) ==
            .transition(from: .starting, to: .failed, message: "SyntaxError"))
        // A failed deployment can be started again (reload) or disabled.
        #expect(machine.handle(.workerStarting) == .transition(from: .failed, to: .starting, message: nil))
        #expect(machine.handle(.disable) == .transition(from: .starting, to: .disabled, message: nil))
        // Late reports from the stopped worker change nothing.
        if case .transition = machine.handle(.workerReady) { Issue.record("late ready accepted while disabled") }
        if case .transition = machine.handle(.workerLost("late")) { Issue.record("late loss accepted while disabled") }
        #expect(machine.status == .disabled)
        #expect(machine.handle(.enable(.lowLatency)) == .transition(from: .disabled, to: .starting, message: nil))
    }

    @Test func elasticLifecycle() {
        var machine = DeploymentStateMachine(status: DeploymentStateMachine.initialStatus(mode: .elastic, enabled: true))
        #expect(machine.status == .ready)
        #expect(machine.handle(.disable) == .transition(from: .ready, to: .disabled, message: nil))
        #expect(machine.handle(.enable(.elastic)) == .transition(from: .disabled, to: .ready, message: nil))
        #expect(machine.status.isFinal)
    }

    @Test func finalFlags() {
        #expect(DeploymentStatus.ready.isFinal)
        #expect(DeploymentStatus.failed.isFinal)
        #expect(DeploymentStatus.standby.isFinal)
        #expect(DeploymentStatus.disabled.isFinal)
        #expect(!DeploymentStatus.starting.isFinal)
        #expect(!DeploymentStatus.restarting.isFinal)
    }

    @Test func storedStatusesAreSlipwaysOwnWords() {
        #expect(DeploymentStatus.allCases.map(\.rawValue) ==
            ["starting", "ready", "failed", "restarting", "standby", "disabled"])
        #expect(ExecutionStatus.allCases.map(\.rawValue) == ["pending", "running", "succeeded", "skipped", "failed", "error"])
        #expect(CreationStatus.allCases.map(\.rawValue) == ["pending", "ready", "failed"])
        #expect(DeploymentMode.lowLatency.rawValue == "low_latency")
        #expect(DeploymentMode(rawValue: "elastic") == .elastic)
    }
}
