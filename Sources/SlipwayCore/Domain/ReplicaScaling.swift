import Foundation

/// How many replicas a model should have, from how busy its replicas were: above the target
/// utilisation one is added, below half of it one is removed, always within the deployment's
/// bounds. One step at a time, so a burst does not start every replica at once.
public enum ReplicaScaling {
    /// The default target when a deployment sets bounds but no utilisation.
    public static let defaultTargetPercent = 75.0

    /// Whether the resources ask for autoscaling at all (bounds that leave room to move).
    public static func isAutoscaled(_ resources: ServingResources) -> Bool {
        guard let maximum = resources.maximumReplicas else { return false }
        return maximum > max(1, resources.minimumReplicas ?? 1) || resources.targetCPUPercent != nil && maximum > 1
    }

    /// The replica count to move to, given the current count and the share of the last period
    /// the replicas spent serving (0…1, averaged over them).
    public static func next(current: Int, busyFraction: Double, resources: ServingResources) -> Int {
        guard isAutoscaled(resources) else { return current }
        let lower = max(1, resources.minimumReplicas ?? 1)
        let upper = max(lower, resources.maximumReplicas ?? current)
        let target = (resources.targetCPUPercent ?? defaultTargetPercent) / 100
        var wanted = current
        if busyFraction > target { wanted = current + 1 } else if busyFraction < target / 2 { wanted = current - 1 }
        return min(upper, max(lower, wanted))
    }
}
