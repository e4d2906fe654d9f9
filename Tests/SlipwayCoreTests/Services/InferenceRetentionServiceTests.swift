import Foundation
import Logging
import Testing

@testable import SlipwayCore

/// The retention service on the in-memory store: who may see and change a workspace's
/// setting (refusals change nothing), and the pass deleting expired records per workspace in
/// chunks, leaving the recent ones and other workspaces' records.
@Suite("Inference retention service")
struct InferenceRetentionServiceTests {
    let clock = ManualClock()
    let store = InMemoryMetadataStore()
    let owner = User(id: "u-owner", name: "owner", email: "owner@example.com", createdAt: Date(timeIntervalSince1970: 0))
    let collaborator = User(id: "u-collab", name: "collab", email: "collab@example.com", createdAt: Date(timeIntervalSince1970: 0))
    let outsider = User(id: "u-out", name: "outsider", email: "out@example.com", createdAt: Date(timeIntervalSince1970: 0))

    func service(default serverDefault: InferenceRetention = .forever, chunk: Int = 1000) -> InferenceRetentionService {
        let clock = clock
        return InferenceRetentionService(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                         now: { clock.now }, serverDefault: serverDefault, chunkSize: chunk)
    }

    func prepare() async throws -> (Workspace, Workspace) {
        let first = try await store.createWorkspace(Workspace(id: "ws1", name: "first", createdAt: clock.now))
        let second = try await store.createWorkspace(Workspace(id: "ws2", name: "second", createdAt: clock.now))
        for user in [owner, collaborator, outsider] { try await store.createUser(user) }
        try await store.addMember(userID: owner.id, workspaceID: first.id, role: .owner)
        try await store.addMember(userID: collaborator.id, workspaceID: first.id, role: .collaborator)
        return (first, second)
    }

    func record(_ index: Int, workspace: String, ageDays: Double, shadow: Bool = false) -> InferenceRecord {
        InferenceRecord(id: String(format: "r%@%05d", workspace, index), workspaceID: workspace, deploymentID: "d",
                        pipelineID: "p-\(workspace)", isShadow: shadow,
                        time: clock.now.addingTimeInterval(-ageDays * 86_400), inputs: ["x": .number(Double(index))],
                        outputs: ["y": .vector([Double(index) * 2])])
    }

    func allRecords(_ workspace: String) async throws -> [InferenceRecord] {
        let page = try await store.inferenceRecords(InferenceRecordQuery(workspaceID: workspace, order: .oldestFirst,
                                                                         limit: InferenceRecordQuery.maximumLimit))
        return page.records
    }

    @Test func membersSeeOwnersAndOperatorChange() async throws {
        let (first, _) = try await prepare()
        let retention = service(default: .days(90))
        let shown = try await retention.setting(of: first, visibleTo: collaborator)
        #expect(shown.own == nil)
        #expect(shown.effective == .days(90))
        let set = try await retention.set(.days(30), for: first, by: owner)
        #expect(set.own == .days(30))
        #expect(set.effective == .days(30))
        let forever = try await retention.set(.forever, for: first, by: nil)
        #expect(forever.effective == .forever)
        let cleared = try await retention.set(nil, for: first, by: owner)
        #expect(cleared.own == nil)
        #expect(cleared.effective == .days(90))
        let stored = try await store.inferenceRetention(workspaceID: first.id)
        #expect(stored == nil)
    }

    @Test func refusalsChangeNothing() async throws {
        let (first, second) = try await prepare()
        let retention = service()
        try await retention.set(.days(10), for: first, by: owner)
        await expectRefusedUnchanged(.forbidden, in: store, message: "not a member") {
            try await retention.set(.days(1), for: second, by: owner)
        }
        await expectRefusedUnchanged(.forbidden, in: store, message: "not a member") {
            try await retention.set(.days(1), for: first, by: outsider)
        }
        await expectRefusedUnchanged(.forbidden, in: store, message: "only owners") {
            try await retention.set(.days(1), for: first, by: collaborator)
        }
        await expectRefusedUnchanged(.forbidden, in: store, message: "not a member") {
            try await retention.setting(of: first, visibleTo: outsider)
        }
        for days in [0, -5, InferenceRetention.maximumDays + 1, Int.max] {
            await expectRefusedUnchanged(.badRequest, in: store) {
                try await retention.set(.days(days), for: first, by: owner)
            }
        }
        let unknown = Workspace(id: "nope", name: "nope", createdAt: clock.now)
        await expectRefusedUnchanged(.notFound, in: store, message: "nope") {
            try await retention.set(.days(3), for: unknown, by: nil)
        }
        let kept = try await store.inferenceRetention(workspaceID: first.id)
        #expect(kept == .days(10))
    }

    @Test func passDeletesExpiredRecordsInChunks() async throws {
        let (first, second) = try await prepare()
        var records: [InferenceRecord] = []
        for index in 0..<25 { records.append(record(index, workspace: first.id, ageDays: 40 + Double(index) / 10)) }
        for index in 25..<30 { records.append(record(index, workspace: first.id, ageDays: 40, shadow: true)) }
        for index in 30..<40 { records.append(record(index, workspace: first.id, ageDays: Double(index - 30))) }
        for index in 0..<8 { records.append(record(index, workspace: second.id, ageDays: 40)) }
        try await store.appendInferenceRecords(records)
        let retention = service(default: .forever, chunk: 7)
        try await retention.set(.days(30), for: first, by: owner)

        let outcomes = await retention.runPass()
        #expect(outcomes.count == 1)  // the second workspace keeps everything (server default: forever)
        #expect(outcomes.first?.entry.workspaceID == first.id)
        #expect(outcomes.first?.count.records == 30)
        let survivors = try await allRecords(first.id)
        // Ages 9 days down to 0: oldest first is the reverse of their order.
        #expect(survivors.map(\.id) == records[30..<40].reversed().map(\.id))
        #expect(store.snapshot.inferenceRecords.filter { $0.workspaceID == first.id }.count == 10)
        let untouched = try await allRecords(second.id)
        #expect(untouched.count == 8)

        // The series a drift check reads equals the one of the surviving records.
        let query = InferenceSeriesQuery(workspaceID: first.id, pipelineID: "p-ws1", feature: .init(side: .output, name: "y"),
                                         start: clock.now.addingTimeInterval(-100 * 86_400), end: clock.now.addingTimeInterval(1))
        let series = try await store.inferenceSeries(query)
        #expect(series == query.series(of: Array(records[30..<40])))

        // A second pass finds nothing; a lower server default then reaches the second workspace.
        let again = await retention.runPass()
        #expect(again.first?.count.isEmpty == true)
        let wider = service(default: .days(20), chunk: 3)
        let widened = await wider.runPass()
        #expect(widened.map(\.entry.workspaceID) == [first.id, second.id])
        #expect(widened.map(\.count.records) == [0, 8])
    }

    @Test func recordsAgeOutAsTheClockMoves() async throws {
        let (first, _) = try await prepare()
        try await store.appendInferenceRecords([record(1, workspace: first.id, ageDays: 2),
                                                record(2, workspace: first.id, ageDays: 0)])
        let retention = service(default: .days(3))
        let early = await retention.runPass()
        #expect(early.first?.count.records == 0)
        clock.advance(by: 1.5 * 86_400)
        let later = await retention.runPass()
        #expect(later.first?.count.records == 1)
        let left = try await allRecords(first.id)
        #expect(left.map(\.id) == [record(2, workspace: first.id, ageDays: 0).id])
    }

    @Test func schedulerRunsThePassPeriodically() async throws {
        let harness = try await ServiceHarness.make()
        let workspace = harness.workspace.id
        func made(_ id: String, ageDays: Double) -> InferenceRecord {
            InferenceRecord(id: id, workspaceID: workspace, deploymentID: "d", pipelineID: "p",
                            time: harness.clock.now.addingTimeInterval(-ageDays * 86_400), inputs: [:], outputs: [:])
        }
        try await harness.store.appendInferenceRecords([made("old", ageDays: 3), made("new", ageDays: 0.5)])
        let scheduler = PeriodicScheduler(platform: harness.platform, deployments: harness.deployments,
                                          retention: InferenceRetentionService(platform: harness.platform, serverDefault: .days(2)),
                                          retentionInterval: 0.1)
        await scheduler.start()
        let deadline = ContinuousClock.now + ServiceHarness.patience
        while harness.store.snapshot.inferenceRecords.count > 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(harness.store.snapshot.inferenceRecords.map(\.id) == ["new"])
        // Later passes follow the clock: two days on, the other record expires too. The clock
        // keeps moving (a second per poll), as a real one would while a pass is still running.
        harness.clock.advance(by: 2 * 86_400)
        while !harness.store.snapshot.inferenceRecords.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            harness.clock.advance(by: 1)
        }
        await scheduler.stop()
        #expect(harness.store.snapshot.inferenceRecords.isEmpty)
    }
}
