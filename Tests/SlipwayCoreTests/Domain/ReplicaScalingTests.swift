import Testing

@testable import SlipwayCore

@Suite("ReplicaScaling")
struct ReplicaScalingTests {
    let bounded = ServingResources(replicas: 1, minimumReplicas: 1, maximumReplicas: 3, targetCPUPercent: 50)

    @Test func growsWhenBusyShrinksWhenIdleWithinBounds() {
        #expect(ReplicaScaling.next(current: 1, busyFraction: 0.9, resources: bounded) == 2)
        #expect(ReplicaScaling.next(current: 3, busyFraction: 0.9, resources: bounded) == 3)
        #expect(ReplicaScaling.next(current: 2, busyFraction: 0.3, resources: bounded) == 2)
        #expect(ReplicaScaling.next(current: 2, busyFraction: 0.1, resources: bounded) == 1)
        #expect(ReplicaScaling.next(current: 1, busyFraction: 0.0, resources: bounded) == 1)
    }

    @Test func fixedReplicaCountsNeverMove() {
        let fixed = ServingResources(replicas: 2)
        #expect(!ReplicaScaling.isAutoscaled(fixed))
        #expect(ReplicaScaling.next(current: 2, busyFraction: 1, resources: fixed) == 2)
        let pinned = ServingResources(replicas: 2, minimumReplicas: 2, maximumReplicas: 2)
        #expect(ReplicaScaling.next(current: 2, busyFraction: 1, resources: pinned) == 2)
    }

    @Test func scalingFromZeroKeepsOneReplica() {
        let fromZero = ServingResources(replicas: 1, minimumReplicas: 0, maximumReplicas: 2)
        #expect(ReplicaScaling.next(current: 1, busyFraction: 0, resources: fromZero) == 1)
        #expect(ReplicaScaling.next(current: 1, busyFraction: 0.8, resources: fromZero) == 2)
    }
}
