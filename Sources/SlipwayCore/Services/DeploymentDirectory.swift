import Foundation

/// In-memory lookups for the endpoint hot path: deployments by public path, their (ready, so
/// immutable) steps and workspaces. `DeploymentService` forgets an entry on every change it
/// makes, so it never serves a deployment this process changed; a deployment is also read again
/// once it was kept `maxAge`, so that changes made elsewhere (the offline CLI, another node)
/// apply within that time.
final class DeploymentDirectory: @unchecked Sendable {
    /// How long a deployment read from the store is served from memory.
    static let maxAge: Duration = .seconds(1)

    private let lock = NSLock()
    private var byPath: [String: (deployment: Deployment, readAt: ContinuousClock.Instant)] = [:]
    private var steps: [String: Step] = [:]
    private var workspaces: [String: Workspace] = [:]
    private var workspacesByName: [String: Workspace] = [:]
    /// Bumped by every `forget`: a deployment read before a change is not remembered after it.
    private var epoch: UInt64 = 0

    var currentEpoch: UInt64 { lock.withLock { epoch } }

    func deployment(workspaceID: String, path: String) -> Deployment? {
        let now = ContinuousClock.now
        return lock.withLock {
            guard let entry = byPath[workspaceID + "\n" + path], now - entry.readAt < Self.maxAge else { return nil }
            return entry.deployment
        }
    }

    /// Keeps a deployment read from the store when nothing changed since `epoch` (taken before the read).
    func remember(_ deployment: Deployment, readAt epoch: UInt64) {
        guard let path = deployment.endpointPath else { return }
        let now = ContinuousClock.now
        lock.withLock {
            if self.epoch == epoch { byPath[deployment.workspaceID + "\n" + path] = (deployment, now) }
        }
    }

    func forget(_ deployment: Deployment) {
        lock.withLock {
            epoch &+= 1
            byPath = byPath.filter { $0.value.deployment.id != deployment.id }
        }
    }

    func step(id: String) -> Step? { lock.withLock { steps[id] } }

    func remember(_ step: Step) {
        guard step.status == .ready else { return }
        lock.withLock { steps[step.id] = step }
    }

    func workspace(id: String) -> Workspace? { lock.withLock { workspaces[id] } }

    func remember(_ workspace: Workspace) {
        lock.withLock {
            workspaces[workspace.id] = workspace
            workspacesByName[workspace.name] = workspace
        }
    }

    func workspace(named name: String) -> Workspace? { lock.withLock { workspacesByName[name] } }
}
