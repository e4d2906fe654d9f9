import Foundation
import Testing
@testable import SlipwayCore

/// The scheduler's firing of periodic deployments, on a manual clock: every due deployment of
/// a minute fires once from one tick, and a slot claimed just before a crash, whose execution
/// was never stored, is fired by the next start (once), while fresh marks and fired slots are
/// left alone.
@Suite struct PeriodicSchedulerTests {
    static func periodic(_ name: String, schedule: String = "* * * * *") -> DeploymentRequest {
        DeploymentRequest(pipelineName: "model", name: name, rule: .periodic, mode: .elastic, schedule: schedule,
                          inputsMapping: DeploymentServiceTests.periodicMappings,
                          outputsMapping: [OutputMapping(output: "y", destination: .null)])
    }

    static func scheduler(_ h: ServiceHarness) -> PeriodicScheduler {
        PeriodicScheduler(platform: h.platform, deployments: h.deployments)
    }

    static func periodicRuns(_ h: ServiceHarness) -> [Execution] {
        h.store.snapshot.executions.filter { $0.trigger == .periodic }
    }

    static func logs(_ h: ServiceHarness, of deployment: Deployment) -> [String] {
        h.store.snapshot.logs.filter { $0.subject == .deployment(deployment.id) }.map(\.line.message)
    }

    @Test func everyDeploymentDueInAMinuteFiresOnceFromOneTick() async throws {
        let h = try await DeploymentServiceTests.harness()
        var created: [Deployment] = []
        for index in 0..<40 {
            created.append(try await h.deployments.create(Self.periodic("every-minute-\(index)"), workspace: h.workspace,
                                                          principal: h.principal))
        }
        _ = try await h.deployments.create(Self.periodic("hourly", schedule: "0 * * * *"), workspace: h.workspace,
                                           principal: h.principal)
        let scheduler = Self.scheduler(h)
        // Created on a whole minute: that minute's slot is not theirs; the next one is.
        #expect(await scheduler.tick() == h.clock.now.addingTimeInterval(60))
        #expect(Self.periodicRuns(h).isEmpty)
        h.clock.advance(by: 60.5)
        _ = await scheduler.tick()
        let runs = Self.periodicRuns(h)
        #expect(runs.count == 40)
        #expect(Set(runs.compactMap(\.deploymentName)) == Set(created.map(\.name)))
        let slot = DeploymentService.minute(h.clock.now)
        for deployment in created {
            #expect(try await h.store.deployment(workspaceID: h.workspace.id, name: deployment.name)?.lastScheduledAt == slot)
        }
        _ = await scheduler.tick()
        _ = await Self.scheduler(h).tick()
        #expect(Self.periodicRuns(h).count == 40)
    }

    @Test func slotClaimedBeforeACrashIsFiredAtTheNextStartOnce() async throws {
        let h = try await DeploymentServiceTests.harness()
        let lost = try await h.deployments.create(Self.periodic("lost"), workspace: h.workspace, principal: h.principal)
        let fired = try await h.deployments.create(Self.periodic("fired"), workspace: h.workspace, principal: h.principal)
        h.clock.advance(by: 60.5)
        let slot = DeploymentService.minute(h.clock.now)
        // "fired" ran normally; "lost" had its slot claimed by a server that stopped before
        // storing the execution.
        _ = await Self.scheduler(h).tick()
        let before = Self.periodicRuns(h)
        #expect(before.count == 2)
        let store = h.store
        try store.write { state in
            state.executions.removeAll { $0.deploymentName == "lost" }
        }
        #expect(try await h.store.deployment(workspaceID: h.workspace.id, name: lost.name)?.lastScheduledAt == slot)

        h.clock.advance(by: 5)
        let restarted = Self.scheduler(h)
        _ = await restarted.tick()
        let after = Self.periodicRuns(h)
        #expect(after.filter { $0.deploymentName == "lost" }.count == 1)
        #expect(after.filter { $0.deploymentName == "fired" }.count == 1)
        #expect(Self.logs(h, of: lost).contains { $0.contains("was claimed before the server stopped but never started") })
        #expect(!Self.logs(h, of: fired).contains { $0.contains("claimed before the server stopped") })
        // Neither this scheduler's next tick nor another start recovers it again.
        _ = await restarted.tick()
        _ = await Self.scheduler(h).tick()
        #expect(Self.periodicRuns(h).count == 2)
        // The next slot fires as usual.
        h.clock.advance(by: 60)
        _ = await Self.scheduler(h).tick()
        #expect(Self.periodicRuns(h).filter { $0.deploymentName == "lost" }.count == 2)
    }

    @Test func freshScheduleMarksAreNeverRecovered() async throws {
        let h = try await DeploymentServiceTests.harness()
        let deployment = try await h.deployments.create(Self.periodic("fresh"), workspace: h.workspace, principal: h.principal)
        #expect(!PeriodicScheduler.isClaimedSlot(deployment.lastScheduledAt))
        #expect(PeriodicScheduler.isClaimedSlot(DeploymentService.minute(h.clock.now)))
        h.clock.advance(by: 30)
        _ = await Self.scheduler(h).tick()
        #expect(Self.periodicRuns(h).isEmpty)
    }

    @Test func claimsSucceedOnlyFromTheMarkTheyName() async throws {
        let h = try await DeploymentServiceTests.harness()
        let one = try await h.deployments.create(Self.periodic("one"), workspace: h.workspace, principal: h.principal)
        let two = try await h.deployments.create(Self.periodic("two"), workspace: h.workspace, principal: h.principal)
        let slot = DeploymentService.minute(h.clock.now).addingTimeInterval(60)
        let claimed = try await h.store.claimScheduleSlots([
            ScheduleSlotClaim(deploymentID: one.id, previous: one.lastScheduledAt, slot: slot),
            ScheduleSlotClaim(deploymentID: two.id, previous: slot, slot: slot.addingTimeInterval(60)),
            ScheduleSlotClaim(deploymentID: "missing", previous: slot, slot: slot),
        ])
        #expect(claimed == [one.id])
        #expect(try await h.store.deployment(workspaceID: h.workspace.id, name: two.name)?.lastScheduledAt == two.lastScheduledAt)
    }
}
