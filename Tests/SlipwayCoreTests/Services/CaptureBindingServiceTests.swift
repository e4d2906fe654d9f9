import Foundation
import Testing

@testable import SlipwayCore

/// Binding folders to models: normalised folders, refusals that change nothing (bad folders,
/// overlaps, another model's binding), unbinding, and the outcomes reported per binding.
@Suite struct CaptureBindingServiceTests {
    @Test func aFolderIsBoundNormalisedAndListedWithItsModel() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/model-a")
        #expect(binding.folder == "captures/model-a/")
        #expect(binding.modelID == c.model.id && binding.workspaceID == c.h.workspace.id)
        #expect(binding.createdBy == c.h.principal.userID && binding.createdAt == c.h.clock.now)
        let reports = try await c.bindings.reports(of: c.model)
        #expect(reports.map(\.binding) == [binding])
        #expect(reports[0].totals == CaptureIngestionTotals() && reports[0].recentFiles.isEmpty)
        #expect(try await c.bindings.reports(workspaceID: c.h.workspace.id).map(\.binding) == [binding])
        #expect(try await c.bindings.binding(id: binding.id, of: c.model) == binding)
    }

    @Test(arguments: ["", "/", "/abs", "a/../b", "a//b"])
    func badFoldersAreRefusedAndNothingIsStored(folder: String) async throws {
        let c = try await CaptureHarness.make()
        await expectRefusedUnchanged(.badRequest, in: c.h.store, message: "folder") { try await c.bind(folder) }
    }

    @Test func overlappingFoldersOfOneModelAreRefusedButAnotherModelMayShareAFolder() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        await expectRefusedUnchanged(.conflict, in: c.h.store, message: "is already bound") { try await c.bind("captures/a") }
        await expectRefusedUnchanged(.conflict, in: c.h.store, message: "overlaps folder 'captures/a/'") {
            try await c.bind("captures/")
        }
        await expectRefusedUnchanged(.conflict, in: c.h.store, message: "overlaps") { try await c.bind("captures/a/deep/") }
        try await c.bind("captures/ab/")
        let user = try #require(try await c.h.accounts.user(id: c.h.principal.userID))
        let second = try await c.monitoring.createModel(
            MonitoredModelDraft(partnerModelID: "second", inputKind: .tabular, outputKind: .regression,
                                attributes: MonitoringServiceDataCaptureTests.attributes),
            in: c.h.workspace, by: user)
        let shared = try await c.bindings.bind(folder: "captures/a/", to: second, by: user.id)
        #expect(shared.modelID == second.id)
    }

    @Test func anotherModelsBindingIsNotFoundAndUnbindingRemovesItOnce() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/a/")
        let user = try #require(try await c.h.accounts.user(id: c.h.principal.userID))
        let other = try await c.monitoring.createModel(
            MonitoredModelDraft(partnerModelID: "other", inputKind: .tabular, outputKind: .regression,
                                attributes: MonitoringServiceDataCaptureTests.attributes),
            in: c.h.workspace, by: user)
        await expectRefusedUnchanged(.notFound, in: c.h.store, message: "capture binding") {
            try await c.bindings.unbind(id: binding.id, of: other)
        }
        await expectSlipwayError(.notFound) { try await c.bindings.binding(id: binding.id, of: other) }
        try await c.bindings.unbind(id: binding.id, of: c.model)
        #expect(try await c.bindings.reports(of: c.model).isEmpty)
        await expectRefusedUnchanged(.notFound, in: c.h.store) { try await c.bindings.unbind(id: binding.id, of: c.model) }
    }

    @Test func aBindingReportsItsFilesAndTheirCounts() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        try await c.write("captures/a/good.jsonl", CaptureHarness.captureFile(ids: ["g1", "g2"]))
        _ = try await c.settled("captures/a/good.jsonl")
        c.h.clock.advance(by: 1)
        try await c.write("captures/a/bad.jsonl", "nope\n")
        _ = try await c.settled("captures/a/bad.jsonl")
        let report = try #require(try await c.bindings.reports(of: c.model).first)
        #expect(report.totals.files == [.ingested: 1, .failed: 1] && report.totals.fileCount == 2)
        #expect((report.totals.successCount, report.totals.failureCount, report.totals.totalCount) == (2, 1, 3))
        #expect(report.recentFiles.map(\.path) == ["captures/a/bad.jsonl", "captures/a/good.jsonl"])
        #expect(report.recentFiles[0].failures == ["line 1 is not valid JSON"])
    }
}
