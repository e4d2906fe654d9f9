import Foundation
import Testing

@testable import SlipwayCore

/// Capture files written under bound folders are ingested into the model once per (path,
/// version): in the background of the write, or by a scan when that did not happen (a crash, a
/// passing failure, an expired claim); files that are not capture data fail with the reason and
/// are not retried; other files, other folders and files older than the binding are ignored.
@Suite struct CaptureIngestorTests {
    @Test func aFileWrittenUnderTheFolderIsIngestedOnceAndTheSameContentNotAgain() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a")
        let text = CaptureHarness.captureFile(ids: ["e1", "e2"])
        try await c.write("captures/a/one.jsonl", text)
        let record = try await c.settled("captures/a/one.jsonl")
        #expect(record.status == .ingested)
        #expect((record.successCount, record.failureCount, record.totalCount) == (2, 0, 2))
        #expect(record.failures.isEmpty && record.attempts == 1 && record.claimToken == nil)
        #expect(c.storedIDs == ["e1", "e2"])

        // The same content again (a new blob, the same version): nothing is ingested again.
        try await c.write("captures/a/one.jsonl", text)
        #expect(await c.captures.scan() == 0)
        try await Task.sleep(for: .milliseconds(50))
        #expect(c.records.count == 1)
        #expect(c.storedIDs == ["e1", "e2"])
    }

    @Test func aRewrittenFileIsIngestedAgainAsANewVersion() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        try await c.write("captures/a/f.jsonl", CaptureHarness.captureFile(ids: ["v1"]))
        _ = try await c.settled("captures/a/f.jsonl")
        try await c.write("captures/a/f.jsonl", CaptureHarness.captureFile(ids: ["v2", "v3"]))
        let second = try await c.settled("captures/a/f.jsonl")
        #expect(second.successCount == 2)
        #expect(c.records.count == 2)
        #expect(Set(c.records.map(\.version)).count == 2)
        #expect(c.storedIDs == ["v1", "v2", "v3"])
    }

    @Test func otherFilesOtherFoldersAndFilesOlderThanTheBindingAreIgnored() async throws {
        let c = try await CaptureHarness.make()
        try await c.h.putObject("captures/a/before.jsonl", CaptureHarness.captureFile(ids: ["old"]))
        c.h.clock.advance(by: 1)
        try await c.bind("captures/a/")
        try await c.write("captures/a/table.csv", "1.5,16,a,true\n")
        try await c.write("captures/ab/sibling.jsonl", CaptureHarness.captureFile(ids: ["sib"]))
        try await c.write("elsewhere/x.jsonl", CaptureHarness.captureFile(ids: ["far"]))
        try await c.write("captures/a/deep/inside.jsonl", CaptureHarness.captureFile(ids: ["deep"]))
        #expect(try await c.settled("captures/a/deep/inside.jsonl").status == .ingested)
        #expect(await c.captures.scan() == 0)
        #expect(c.records.map(\.path) == ["captures/a/deep/inside.jsonl"])
        #expect(c.storedIDs == ["deep"])
    }

    @Test func aStepOutputWrittenToTheDataStoreIsIngested() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        try await c.dataStore.putBytes(Data(CaptureHarness.captureFile(ids: ["from-step"]).utf8), workspaceID: c.h.workspace.id,
                                       path: try ObjectPath("captures/a/out.jsonl"))
        #expect(try await c.settled("captures/a/out.jsonl").status == .ingested)
        #expect(c.storedIDs == ["from-step"])
    }

    @Test func aFileThatIsNotCaptureDataFailsWithTheReasonAndIsNotRetried() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        try await c.write("captures/a/bad.jsonl", "{not json\nstill not\n")
        let failed = try await c.settled("captures/a/bad.jsonl")
        #expect(failed.status == .failed)
        #expect((failed.successCount, failed.failureCount, failed.totalCount) == (0, 2, 2))
        #expect(failed.failures == ["line 1 is not valid JSON", "line 2 is not valid JSON"])
        try await c.write("captures/a/empty.jsonl", "\n\n")
        let empty = try await c.settled("captures/a/empty.jsonl")
        #expect(empty.status == .failed && empty.failures == ["the file holds no capture event"])
        c.h.clock.advance(by: 3600)
        #expect(await c.captures.scan() == 0)
        #expect(c.records.allSatisfy { $0.attempts == 1 })
        #expect(c.storedIDs.isEmpty)
    }

    @Test func aPartlyBadFileKeepsItsGoodLinesAndReportsTheOthers() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        let text = CaptureHarness.captureFile(ids: ["good"]) + "{oops\n"
            + MonitoringServiceDataCaptureTests.line(input: "1.5,x,a,true", output: "0.1", eventID: "typed") + "\n"
        try await c.write("captures/a/mixed.jsonl", text)
        let record = try await c.settled("captures/a/mixed.jsonl")
        #expect(record.status == .ingested)
        #expect((record.successCount, record.failureCount, record.totalCount) == (1, 2, 3))
        #expect(record.failures == ["line 2 is not valid JSON", "line 3: attribute 'n' must be an integer, got 'x'"])
        #expect(c.storedIDs == ["good"])
    }

    @Test func aFileAboveTheSizeLimitFails() async throws {
        var limits = Limits(executionTimeout: .seconds(5), longPollHold: .seconds(15))
        limits.maxMonitoringFileBytes = 100
        let c = try await CaptureHarness.make(limits: limits)
        try await c.bind("captures/a/")
        try await c.write("captures/a/big.jsonl", CaptureHarness.captureFile(ids: ["a", "b", "c"]))
        let record = try await c.settled("captures/a/big.jsonl")
        #expect(record.status == .failed)
        #expect(record.failures.count == 1 && record.failures[0].contains("above the 100-byte limit"))
        #expect(c.storedIDs.isEmpty)
    }

    @Test func aFileWhoseIngestionNeverRanIsIngestedByTheNextScan() async throws {
        let c = try await CaptureHarness.make()
        try await c.bind("captures/a/")
        // Written through a data store without ingestion: the server died before it ran.
        try await c.h.putObject("captures/a/crash.jsonl", CaptureHarness.captureFile(ids: ["c1"]))
        #expect(c.records.isEmpty)
        #expect(await c.captures.scan() == 1)
        #expect(c.records.map(\.status) == [.ingested])
        #expect(await c.captures.scan() == 0)
        #expect(c.storedIDs == ["c1"])
    }

    @Test func aClaimLeftByADeadAttemptIsTakenOverOnlyOnceItExpired() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/a/")
        let object = try await c.h.putObject("captures/a/held.jsonl", CaptureHarness.captureFile(ids: ["h1"]))
        let now = c.h.clock.now
        let claim = CaptureIngestion(bindingID: binding.id, workspaceID: binding.workspaceID, modelID: binding.modelID,
                                     path: object.path, version: object.etag, size: object.size, claimToken: "dead-node",
                                     claimedUntil: now.addingTimeInterval(CaptureHarness.lease), createdAt: now, updatedAt: now)
        #expect(try await c.h.store.claimCaptureIngestion(claim, now: now) != nil)
        #expect(await c.captures.scan() == 0, "a live claim is left alone")
        c.h.clock.advance(by: CaptureHarness.lease)
        #expect(await c.captures.scan() == 1)
        let record = try #require(c.records.first)
        #expect(record.status == .ingested && record.attempts == 2)
        // The dead attempt's late outcome is refused: its claim is gone.
        var late = record
        late.status = .failed
        #expect(try await c.h.store.finishCaptureIngestion(late, claimToken: "dead-node") == false)
        #expect(c.records.first?.status == .ingested)
        #expect(c.storedIDs == ["h1"])
    }

    @Test func aPassingFailureIsRetriedByTheNextScanAndGivenUpAfterTheLastAttempt() async throws {
        let c = try await CaptureHarness.make(maximumAttempts: 3)
        try await c.bind("captures/a/")
        c.h.blobs.failNextReads(1)
        let object = try await c.h.putObject("captures/a/flaky.jsonl", CaptureHarness.captureFile(ids: ["f1"]))
        let binding = try #require(try await c.h.store.allCaptureBindings().first)
        #expect(await c.captures.ingest(object, for: binding) == .pending)
        let pending = try #require(c.records.first)
        #expect(pending.claimToken == nil && pending.failures.count == 1)
        #expect(pending.failures[0].contains("attempt 1 failed, to be retried: the object store is unreachable"))
        #expect(c.storedIDs.isEmpty)
        #expect(await c.captures.scan() == 1)
        #expect(c.records.first?.status == .ingested && c.records.first?.attempts == 2)
        #expect(c.storedIDs == ["f1"])

        c.h.blobs.failNextReads(10)
        let stuck = try await c.h.putObject("captures/a/stuck.jsonl", CaptureHarness.captureFile(ids: ["s1"]))
        #expect(await c.captures.ingest(stuck, for: binding) == .pending)
        #expect(await c.captures.scan() == 1)
        #expect(await c.captures.scan() == 1)
        let gaveUp = try #require(c.records.first { $0.path == stuck.path })
        #expect(gaveUp.status == .failed && gaveUp.attempts == 3)
        #expect(gaveUp.failures.first?.hasPrefix("gave up after 3 attempts") == true)
        #expect(await c.captures.scan() == 0)
    }

    @Test func twoIngestorsRacingForOneFileIngestItOnce() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/a/")
        let object = try await c.h.putObject("captures/a/race.jsonl", CaptureHarness.captureFile(ids: ["r1", "r2"]))
        let other = CaptureIngestor(platform: c.h.platform, monitoring: c.monitoring)
        async let first = c.captures.ingest(object, for: binding)
        async let second = other.ingest(object, for: binding)
        let outcomes = await [first, second]
        #expect(outcomes.compactMap { $0 } == [.ingested])
        #expect(c.storedIDs == ["r1", "r2"])
    }

    @Test func unbindingStopsIngestionAndKeepsWhatWasIngested() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/a/")
        try await c.write("captures/a/kept.jsonl", CaptureHarness.captureFile(ids: ["k1"]))
        _ = try await c.settled("captures/a/kept.jsonl")
        try await c.bindings.unbind(id: binding.id, of: c.model)
        try await c.write("captures/a/later.jsonl", CaptureHarness.captureFile(ids: ["k2"]))
        #expect(await c.captures.scan() == 0)
        try await Task.sleep(for: .milliseconds(50))
        #expect(c.records.map(\.path) == ["captures/a/kept.jsonl"])
        #expect(c.storedIDs == ["k1"])
    }

    @Test func aFileOfADeletedModelIsNotIngested() async throws {
        let c = try await CaptureHarness.make()
        let binding = try await c.bind("captures/a/")
        let object = try await c.h.putObject("captures/a/orphan.jsonl", CaptureHarness.captureFile(ids: ["o1"]))
        try await c.monitoring.delete(c.model)
        #expect(try await c.h.store.allCaptureBindings().isEmpty, "deleting the model removes its bindings")
        // An attempt that still holds the binding finds no model.
        #expect(await c.captures.ingest(object, for: binding) == .failed)
        #expect(c.records.first?.failures == ["model '\(c.model.id)' no longer exists"])
        #expect(c.storedIDs.isEmpty)
    }
}
