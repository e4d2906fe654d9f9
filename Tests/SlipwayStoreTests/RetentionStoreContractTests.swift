import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Retention on every backend: workspaces' own settings, and the chunked purge of expired
/// records, after which records and feature series (read from the per-feature columns,
/// including batches that straddle the cutoff) equal the reference computed from the survivors.
@Suite("Retention store contract")
struct RetentionStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_672_531_200)
    let hour = 3600.0

    @Test(arguments: StoreBackendKind.available)
    func settings(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let none = try await store.inferenceRetention(workspaceID: "ws1")
            #expect(none == nil)
            try await store.setInferenceRetention(workspaceID: "ws1", .days(30), at: t0)
            try await store.setInferenceRetention(workspaceID: "ws2", .forever, at: t0)
            try await store.setInferenceRetention(workspaceID: "ws1", .days(7), at: t0.addingTimeInterval(1))
            let first = try await store.inferenceRetention(workspaceID: "ws1")
            #expect(first == .days(7))
            let second = try await store.inferenceRetention(workspaceID: "ws2")
            #expect(second == .forever)
            let all = try await store.inferenceRetentions()
            #expect(all == ["ws1": .days(7), "ws2": .forever])
            try await store.setInferenceRetention(workspaceID: "ws2", nil, at: t0)
            try await store.setInferenceRetention(workspaceID: "ws3", nil, at: t0)
            let left = try await store.inferenceRetentions()
            #expect(left == ["ws1": .days(7)])
        }
    }

    func record(_ index: Int, workspace: String = "ws1", hours: Double) -> InferenceRecord {
        var outputs: [String: FeatureValue] = ["dense": .vector([Double(index), -Double(index), Double(index % 7)])]
        if index % 11 == 4 { outputs["dense"] = .vector([.nan]) }
        // A vector longer than the columns hold: element 70 is read from the records.
        if index % 5 == 0 { outputs["long"] = .vector((0..<80).map { Double($0 + index) }) }
        return InferenceRecord(
            id: String(format: "%@-r%04d", workspace, index), workspaceID: workspace, deploymentID: "d1",
            pipelineID: index % 3 == 0 ? "p2" : "p1", modelVersionID: index % 2 == 0 ? "v1" : "v2",
            isShadow: index % 17 == 5, shadowOf: index % 17 == 5 ? String(format: "%@-r%04d", workspace, index - 1) : nil,
            time: t0.addingTimeInterval(hours * hour),
            inputs: ["x": .number(Double(index) / 4), "flag": .bool(index.isMultiple(of: 2))], outputs: outputs)
    }

    @Test(arguments: StoreBackendKind.available)
    func purgeLeavesWhatTheSurvivorsGive(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            // Batch A wholly before the cutoff, batch B straddling it (times out of order),
            // batch C wholly after; the other workspace's batch is as old as A.
            let a = (0..<60).map { record($0, hours: Double($0)) }
            let b = (60..<180).map { record($0, hours: 60 + Double(($0 * 7919) % 120)) }
            let c = (180..<240).map { record($0, hours: Double($0)) }
            let other = (0..<30).map { record($0, workspace: "ws2", hours: Double($0)) }
            for batch in [b, a, other, c] { try await store.appendInferenceRecords(batch) }
            let cutoff = t0.addingTimeInterval(100.5 * hour)
            let survivors = (a + b + c).filter { $0.time >= cutoff }

            let first = try await store.purgeInferenceRecords(workspaceID: "ws1", before: cutoff, limit: 7)
            #expect(first.records == 7)  // bounded chunks
            var total = first
            var calls = 1
            while true {
                let step = try await store.purgeInferenceRecords(workspaceID: "ws1", before: cutoff, limit: 7)
                total = total + step
                calls += 1
                if step.isEmpty { break }
                // Rows rewritten per call are fewer than records (1 per call at this limit).
                #expect(calls < 2000)
                if calls >= 2000 { break }
            }
            #expect(total.records == (a + b + c).count - survivors.count)
            #expect(total.droppedColumns > 0)
            #expect(total.trimmedColumns > 0)

            for pipeline in ["p1", "p2"] {
                let page = try await store.inferenceRecords(InferenceRecordQuery(
                    workspaceID: "ws1", pipelineID: pipeline, order: .oldestFirst, limit: InferenceRecordQuery.maximumLimit))
                let expected = InferenceRecordQuery(workspaceID: "ws1", pipelineID: pipeline, order: .oldestFirst,
                                                    limit: InferenceRecordQuery.maximumLimit).page(of: survivors.filter { !$0.isShadow })
                #expect(page.records.map(\.id) == expected.records.map(\.id))
            }
            let shadows = try await store.shadowRecords(of: (a + b + c).map(\.id))
            #expect(shadows.map(\.id) == survivors.filter(\.isShadow).map(\.id).sorted())
            let untouched = try await store.inferenceRecords(InferenceRecordQuery(workspaceID: "ws2", limit: 1000))
            #expect(untouched.records.count == other.filter { !$0.isShadow }.count)

            let features = [InferenceFeature(side: .output, name: "dense"), InferenceFeature(side: .output, name: "dense", element: 2),
                            InferenceFeature(side: .input, name: "x"), InferenceFeature(side: .input, name: "flag"),
                            InferenceFeature(side: .output, name: "long", element: 70)]
            let windows = [(t0, t0.addingTimeInterval(1000 * hour)), (t0.addingTimeInterval(90 * hour), t0.addingTimeInterval(130 * hour)),
                           (t0, t0.addingTimeInterval(101 * hour))]
            for feature in features {
                for (start, end) in windows {
                    for (pipeline, versions) in [("p1", nil), ("p2", nil), ("p1", ["v2"] as [String]?)] {
                        let query = InferenceSeriesQuery(workspaceID: "ws1", pipelineID: pipeline, feature: feature, start: start,
                                                         end: end, modelVersionIDs: versions)
                        let series = try await store.inferenceSeries(query)
                        let expected = query.series(of: survivors)
                        #expect(series.times == expected.times, "\(feature) \(pipeline) \(start)")
                        #expect(series.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
                    }
                }
                let old = InferenceSeriesQuery(workspaceID: "ws2", pipelineID: "p1", feature: feature, start: t0,
                                               end: t0.addingTimeInterval(1000 * hour))
                let kept = try await store.inferenceSeries(old)
                #expect(kept.times == old.series(of: other).times)
            }

            // Drift over the remaining records reads the same values as from the survivors.
            let query = InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .input, name: "x"),
                                             start: t0, end: t0.addingTimeInterval(1000 * hour))
            let read = try await store.inferenceSeries(query)
            let summarizer = DriftSummarizer()
            let fromStore = try DriftEngine.baseline(read.values, summarizer: summarizer)
            let fromSurvivors = try DriftEngine.baseline(query.series(of: survivors).values, summarizer: summarizer)
            #expect(fromStore == fromSurvivors)

            // Nothing is left to delete; a later cutoff then takes the rest, columns included.
            let again = try await store.purgeInferenceRecords(workspaceID: "ws1", before: cutoff, limit: 1000)
            #expect(again.isEmpty)
            for _ in 0..<10 {
                let step = try await store.purgeInferenceRecords(workspaceID: "ws1", before: t0.addingTimeInterval(1e6), limit: 1000)
                if step.isEmpty { break }
            }
            let empty = try await store.inferenceSeries(query)
            #expect(empty.times.isEmpty)
        }
    }
}
