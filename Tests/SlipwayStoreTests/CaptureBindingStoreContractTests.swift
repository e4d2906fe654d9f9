import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `CaptureBindingStore` (migration 19), run against every backend: bindings round trip and
/// are unique per (model, folder); an ingestion record is claimed once per (binding, path,
/// version), taken over only when pending with an expired claim, finished only by its claim's
/// holder; records are listed by path and most recent first, and summed per status; deleting
/// the model removes its bindings and records, unbinding keeps the records.
@Suite("Capture binding store contract")
struct CaptureBindingStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func binding(_ id: String, model: String = "m1", folder: String = "captures/a/", workspace: String = "ws1",
                 offset: Double = 0) -> CaptureBinding {
        CaptureBinding(id: id, workspaceID: workspace, modelID: model, folder: folder, createdBy: "u1",
                       createdAt: t0.addingTimeInterval(offset))
    }

    func claim(_ path: String, version: String = "v1", binding: String = "b1", token: String, until: Double = 60,
               at offset: Double = 0) -> CaptureIngestion {
        let now = t0.addingTimeInterval(offset)
        return CaptureIngestion(bindingID: binding, workspaceID: "ws1", modelID: "m1", path: path, version: version, size: 42,
                                claimToken: token, claimedUntil: now.addingTimeInterval(until), createdAt: now, updatedAt: now)
    }

    @Test(arguments: StoreBackendKind.available)
    func bindingsRoundTripAndAreUniquePerModelAndFolder(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = binding("b1")
            try await store.insertCaptureBinding(first)
            try await store.insertCaptureBinding(binding("b2", model: "m2", offset: 1))
            try await store.insertCaptureBinding(binding("b3", folder: "captures/b/", workspace: "ws2", offset: 2))
            #expect(try await store.captureBinding(id: "b1") == first)
            #expect(try await store.captureBinding(id: "none") == nil)
            #expect(try await store.captureBindings(workspaceID: "ws1").map(\.id) == ["b1", "b2"])
            #expect(try await store.allCaptureBindings().map(\.id) == ["b1", "b2", "b3"])
            await #expect(throws: (any Error).self) { try await store.insertCaptureBinding(binding("b4")) }
            #expect(try await store.deleteCaptureBinding(id: "b2"))
            #expect(try await store.deleteCaptureBinding(id: "b2") == false)
            #expect(try await store.captureBindings(workspaceID: "ws1").map(\.id) == ["b1"])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aRecordIsClaimedOnceAndFinishedOnlyByItsClaim(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let claimed = try #require(try await store.claimCaptureIngestion(claim("a.jsonl", token: "t1"), now: t0))
            #expect(claimed.status == .pending && claimed.attempts == 1 && claimed.claimToken == "t1")
            #expect(claimed.claimedUntil == t0.addingTimeInterval(60) && claimed.size == 42)
            #expect(try await store.claimCaptureIngestion(claim("a.jsonl", token: "t2", at: 10), now: t0.addingTimeInterval(10)) == nil,
                    "a live claim is not taken")
            // Another version, or another binding, is another record.
            #expect(try await store.claimCaptureIngestion(claim("a.jsonl", version: "v2", token: "t3"), now: t0) != nil)
            #expect(try await store.claimCaptureIngestion(claim("a.jsonl", binding: "b2", token: "t4"), now: t0) != nil)

            var done = claimed
            done.status = .ingested
            done.successCount = 3
            done.failureCount = 1
            done.totalCount = 4
            done.failures = ["line 2 is not valid JSON"]
            done.claimToken = nil
            done.claimedUntil = nil
            done.updatedAt = t0.addingTimeInterval(5)
            #expect(try await store.finishCaptureIngestion(done, claimToken: "wrong") == false)
            #expect(try await store.finishCaptureIngestion(done, claimToken: "t1"))
            #expect(try await store.finishCaptureIngestion(done, claimToken: "t1") == false, "the claim is gone once finished")
            let stored = try await store.captureIngestions(bindingID: "b1", paths: ["a.jsonl"]).sorted { $0.version < $1.version }
            #expect(stored.map(\.version) == ["v1", "v2"])
            #expect(stored[0] == done)
            // A final record is never claimed again, even long after.
            #expect(try await store.claimCaptureIngestion(claim("a.jsonl", token: "t5", at: 9999), now: t0.addingTimeInterval(9999)) == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aPendingRecordIsTakenOverOnceItsClaimExpired(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = try #require(try await store.claimCaptureIngestion(claim("p.jsonl", token: "t1"), now: t0))
            #expect(try await store.claimCaptureIngestion(claim("p.jsonl", token: "t2", at: 59), now: t0.addingTimeInterval(59)) == nil)
            let taken = try #require(try await store.claimCaptureIngestion(claim("p.jsonl", token: "t2", at: 60),
                                                                            now: t0.addingTimeInterval(60)))
            #expect(taken.attempts == 2 && taken.claimToken == "t2" && taken.createdAt == first.createdAt)
            #expect(taken.updatedAt == t0.addingTimeInterval(60) && taken.claimedUntil == t0.addingTimeInterval(120))
            // The first attempt, back from the dead, cannot write its outcome.
            var late = first
            late.status = .failed
            #expect(try await store.finishCaptureIngestion(late, claimToken: "t1") == false)
            // A released claim (no expiry) can be taken at once.
            var released = taken
            released.claimToken = nil
            released.claimedUntil = nil
            released.failures = ["attempt 2 failed, to be retried: unreachable"]
            #expect(try await store.finishCaptureIngestion(released, claimToken: "t2"))
            let third = try #require(try await store.claimCaptureIngestion(claim("p.jsonl", token: "t3", at: 61),
                                                                            now: t0.addingTimeInterval(61)))
            #expect(third.attempts == 3 && third.failures == released.failures)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func recordsAreListedMostRecentFirstAndSummedPerStatus(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            for (index, path) in ["x/1.jsonl", "x/2.jsonl", "x/3.jsonl"].enumerated() {
                let claimed = try #require(try await store.claimCaptureIngestion(claim(path, token: "t\(index)"), now: t0))
                guard index < 2 else { continue }
                var done = claimed
                done.status = index == 0 ? .ingested : .failed
                done.successCount = index == 0 ? 5 : 0
                done.failureCount = 2
                done.totalCount = done.successCount + 2
                done.claimToken = nil
                done.updatedAt = t0.addingTimeInterval(Double(10 - index))
                #expect(try await store.finishCaptureIngestion(done, claimToken: "t\(index)"))
            }
            #expect(try await store.recentCaptureIngestions(bindingID: "b1", limit: 10).map(\.path)
                    == ["x/1.jsonl", "x/2.jsonl", "x/3.jsonl"])
            #expect(try await store.recentCaptureIngestions(bindingID: "b1", limit: 1).map(\.path) == ["x/1.jsonl"])
            let totals = try await store.captureIngestionTotals(bindingID: "b1")
            #expect(totals.files == [.ingested: 1, .failed: 1, .pending: 1])
            #expect((totals.successCount, totals.failureCount, totals.totalCount) == (5, 4, 9))
            #expect(try await store.captureIngestionTotals(bindingID: "none") == CaptureIngestionTotals())
            #expect(try await store.captureIngestions(bindingID: "b1", paths: []).isEmpty)
            #expect(try await store.captureIngestions(bindingID: "b1", paths: ["x/2.jsonl", "x/9.jsonl"]).map(\.path) == ["x/2.jsonl"])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func unbindingKeepsTheRecordsAndDeletingTheModelRemovesThem(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertCaptureBinding(binding("b1"))
            _ = try await store.claimCaptureIngestion(claim("k.jsonl", token: "t1"), now: t0)
            #expect(try await store.deleteCaptureBinding(id: "b1"))
            #expect(try await store.captureIngestions(bindingID: "b1", paths: ["k.jsonl"]).count == 1)
            try await store.insertCaptureBinding(binding("b2"))
            try await store.deleteMonitoredModel(id: "m1")
            #expect(try await store.allCaptureBindings().isEmpty)
            #expect(try await store.captureIngestions(bindingID: "b1", paths: ["k.jsonl"]).isEmpty)
        }
    }
}
