import Foundation

/// Lifecycle of a step (and so of the pipelines that use it): pending until its environment
/// is built, then ready or failed. Pure; the caller persists accepted transitions.
public struct CreationStateMachine: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case environmentReady(environmentKey: String)
        case buildFailed(reason: String)
    }

    public enum Action: Sendable, Equatable {
        case transition(to: CreationStatus)
        case reject(reason: String)
    }

    public private(set) var status: CreationStatus

    public init(status: CreationStatus = .pending) {
        self.status = status
    }

    public mutating func handle(_ event: Event) -> Action {
        guard status == .pending else {
            return .reject(reason: "creation already finished with status \(status.rawValue)")
        }
        switch event {
        case .environmentReady:
            status = .ready
        case .buildFailed:
            status = .failed
        }
        return .transition(to: status)
    }
}
