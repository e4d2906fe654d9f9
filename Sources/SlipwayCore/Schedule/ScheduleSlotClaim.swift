import Foundation

/// A claim of one slot of a periodic deployment: it succeeds only while the deployment's last
/// scheduled minute is still `previous`, so a slot is fired at most once however many schedulers
/// look at it.
public struct ScheduleSlotClaim: Sendable, Hashable {
    public var deploymentID: String
    public var previous: Date?
    public var slot: Date

    public init(deploymentID: String, previous: Date?, slot: Date) {
        self.deploymentID = deploymentID
        self.previous = previous
        self.slot = slot
    }
}
