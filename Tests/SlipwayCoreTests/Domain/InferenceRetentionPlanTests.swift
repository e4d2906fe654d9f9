import Foundation
import Testing

@testable import SlipwayCore

/// The pure decisions of retention: which days are accepted, the cutoff of a retention, and
/// which workspaces a pass deletes from with which cutoff.
@Suite("Inference retention plan")
struct InferenceRetentionPlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func workspace(_ id: String) -> Workspace {
        Workspace(id: id, name: "name-\(id)", createdAt: now)
    }

    @Test func daysAreOneToOneHundredYears() throws {
        #expect(try InferenceRetention.validated(days: 1) == .days(1))
        #expect(try InferenceRetention.validated(days: InferenceRetention.maximumDays) == .days(36_500))
        for bad in [0, -1, Int.min, InferenceRetention.maximumDays + 1, Int.max] {
            #expect(throws: SlipwayError.self) { try InferenceRetention.validated(days: bad) }
        }
        let refused = Result { () throws(SlipwayError) -> InferenceRetention in try InferenceRetention.validated(days: 0) }
        guard case .failure(let error) = refused else {
            Issue.record("0 days was accepted")
            return
        }
        #expect(error.kind == .badRequest)
        #expect(error.message.contains("at least 1 day"))
    }

    @Test func cutoffIsWholeDaysBack() {
        #expect(InferenceRetention.forever.cutoff(now: now) == nil)
        #expect(InferenceRetention.days(1).cutoff(now: now) == now.addingTimeInterval(-86_400))
        #expect(InferenceRetention.days(30).cutoff(now: now) == now.addingTimeInterval(-30 * 86_400))
        #expect(InferenceRetention.days(30).description == "30 days")
        #expect(InferenceRetention.days(1).description == "1 day")
        #expect(InferenceRetention.days(30).days == 30)
        #expect(InferenceRetention.forever.days == nil)
    }

    @Test func workspaceSettingOverridesServerDefault() {
        let workspaces = [workspace("a"), workspace("b"), workspace("c"), workspace("d")]
        let settings: [String: InferenceRetention] = ["a": .days(7), "b": .forever, "gone": .days(1)]
        let plan = InferenceRetentionPlan.make(workspaces: workspaces, settings: settings, serverDefault: .days(30), now: now)
        // b keeps everything (its own `forever` beats the default); c and d follow the default.
        #expect(plan.entries.map(\.workspaceID) == ["a", "c", "d"])
        #expect(plan.entries[0] == .init(workspaceID: "a", workspaceName: "name-a", retention: .days(7), isWorkspaceSetting: true,
                                         cutoff: now.addingTimeInterval(-7 * 86_400)))
        #expect(plan.entries[1].retention == .days(30))
        #expect(plan.entries[1].isWorkspaceSetting == false)
        #expect(plan.entries[1].cutoff == now.addingTimeInterval(-30 * 86_400))
    }

    @Test func foreverByDefaultDeletesOnlyWhereSet() {
        let workspaces = [workspace("a"), workspace("b")]
        let none = InferenceRetentionPlan.make(workspaces: workspaces, settings: [:], serverDefault: .forever, now: now)
        #expect(none.entries.isEmpty)
        let one = InferenceRetentionPlan.make(workspaces: workspaces, settings: ["b": .days(2)], serverDefault: .forever, now: now)
        #expect(one.entries.map(\.workspaceID) == ["b"])
        #expect(InferenceRetentionPlan.effective(nil, serverDefault: .days(3)) == .days(3))
        #expect(InferenceRetentionPlan.effective(.forever, serverDefault: .days(3)) == .forever)
    }
}
