import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Assays, their stored results, and feature series read from the per-feature columns, run
/// against every backend; the series must equal the reference `InferenceSeriesQuery.series(of:)`.
@Suite("Assay store contract")
struct AssayStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_672_531_200)

    func makeAssay(_ id: String, pipeline: String = "p1", created: TimeInterval = 0) -> Assay {
        Assay(id: id, workspaceID: "ws1", pipelineID: pipeline, name: "assay \(id)", isActive: true,
              feature: InferenceFeature(side: .output, name: "dense_2", element: 0),
              baseline: .fixed(modelName: "house", start: t0, end: t0.addingTimeInterval(86_400)),
              window: AssayWindowSpec(width: 86_400), summarizer: DriftSummarizer(), warningThreshold: 0,
              alertThreshold: 0.1, runUntil: nil, createdAt: t0.addingTimeInterval(created), createdBy: "u1",
              clientDocument: .object(["window": .object(["width": .string("24 hours")])]))
    }

    func makeResult(_ assay: Assay, window: Int, status: AssayStatus) throws -> AssayResult {
        let values = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let baseline = try DriftEngine.baseline(values, summarizer: assay.summarizer)
        let summary = DriftEngine.window(values.map { $0 + Double(window) }, baseline: baseline, summarizer: assay.summarizer)
        let start = t0.addingTimeInterval(Double(window + 1) * 86_400)
        return AssayResult(
            assayID: assay.id, workspaceID: assay.workspaceID, pipelineID: assay.pipelineID, windowIndex: window,
            windowStart: start, windowEnd: start.addingTimeInterval(86_400), analyzedAt: t0.addingTimeInterval(1e6),
            elapsed: .milliseconds(3), feature: assay.feature, baselineStart: t0, baselineEnd: t0.addingTimeInterval(86_400),
            baselineSummary: baseline, windowSummary: summary,
            score: DriftEngine.score(baseline: baseline, window: summary, summarizer: assay.summarizer), status: status,
            warningThreshold: 0, alertThreshold: 0.1, summarizer: assay.summarizer)
    }

    @Test(arguments: StoreBackendKind.available)
    func assaysAndResults(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = makeAssay("a1"), second = makeAssay("a2", created: 10), other = makeAssay("a3", pipeline: "p2")
            for assay in [first, second, other] { try await store.insertAssay(assay) }
            await #expect(throws: (any Error).self) { try await store.insertAssay(first) }
            #expect(try await store.assay(id: "a1") == first)
            #expect(try await store.assay(id: "nope") == nil)
            #expect(try await store.assays(pipelineID: "p1").map(\.id) == ["a2", "a1"])
            #expect(try await store.setAssayActive(id: "a2", active: false, at: t0.addingTimeInterval(20)))
            #expect(try await store.setAssayActive(id: "nope", active: false, at: t0) == false)
            #expect(try await store.activeAssays().map(\.id) == ["a1", "a3"])
            #expect(try await store.assay(id: "a2")?.updatedAt == t0.addingTimeInterval(20))

            let results = [try makeResult(first, window: 0, status: .ok), try makeResult(first, window: 1, status: .alert)]
            #expect(try await store.recordAssayResults(results, assayID: "a1", from: 0, through: 3, at: t0.addingTimeInterval(99)))
            // The position moved: a second scheduler that read the old one stores nothing.
            #expect(try await store.recordAssayResults(results, assayID: "a1", from: 0, through: 3, at: t0) == false)
            let stored = try await store.assay(id: "a1")
            #expect(stored?.analyzedWindows == 3)
            #expect(stored?.lastRunAt == t0.addingTimeInterval(99))
            let read = try await store.assayResults(assayID: "a1", start: nil, end: nil, limit: 10)
            #expect(read.map(\.windowIndex) == [0, 1])
            #expect(read.allSatisfy { $0.id != nil })
            var expected = results[1]
            expected.id = read[1].id
            #expect(read[1] == expected)
            #expect(try await store.assayResults(assayID: "a1", start: results[1].windowStart, end: nil, limit: 10).count == 1)
            #expect(try await store.assayResults(assayID: "a1", start: nil, end: results[1].windowStart, limit: 10).count == 1)
            #expect(try await store.assayResults(assayID: "a1", start: nil, end: nil, limit: 1).map(\.windowIndex) == [0])
            #expect(try await store.assayAlerts(workspaceID: "ws1", limit: 10).map(\.windowIndex) == [1])
            #expect(try await store.assayAlerts(workspaceID: "ws2", limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func seriesComeFromColumns(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            var records: [InferenceRecord] = []
            for index in 0..<300 {
                var outputs: [String: FeatureValue] = ["dense_2": .vector([Double(index), -Double(index)]), "label": .string("x")]
                if index % 50 == 7 { outputs["dense_2"] = .vector([.infinity]) }
                if index % 50 == 9 { outputs["dense_2"] = nil }
                records.append(InferenceRecord(
                    id: String(format: "r%04d", index), workspaceID: "ws1", deploymentID: "d1", pipelineID: "p1",
                    modelVersionID: index < 150 ? "v1" : "v2", isShadow: index % 100 == 3,
                    time: t0.addingTimeInterval(Double((index * 7919) % 300) * 60),
                    inputs: ["x": .number(Double(index) / 2), "flag": .bool(index.isMultiple(of: 2))], outputs: outputs))
            }
            // Appended in two batches, out of time order.
            try await store.appendInferenceRecords(Array(records[150...]))
            try await store.appendInferenceRecords(Array(records[..<150]))
            let queries = [
                InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .output, name: "dense_2"),
                                     start: t0, end: t0.addingTimeInterval(300 * 60)),
                InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .output, name: "dense_2", element: 1),
                                     start: t0.addingTimeInterval(600), end: t0.addingTimeInterval(3000)),
                InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .input, name: "flag"),
                                     start: t0, end: t0.addingTimeInterval(1e6), modelVersionIDs: ["v2"]),
                InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .input, name: "x"),
                                     start: t0, end: t0.addingTimeInterval(1e6), modelVersionIDs: []),
                InferenceSeriesQuery(workspaceID: "ws2", pipelineID: "p1", feature: .init(side: .input, name: "x"),
                                     start: t0, end: t0.addingTimeInterval(1e6)),
                InferenceSeriesQuery(workspaceID: "ws1", pipelineID: "p1", feature: .init(side: .output, name: "label"),
                                     start: t0, end: t0.addingTimeInterval(1e6)),
            ]
            for query in queries {
                let series = try await store.inferenceSeries(query)
                let expected = query.series(of: records)
                #expect(series.times == expected.times)
                #expect(series.values.map(\.bitPattern) == expected.values.map(\.bitPattern))
            }
            let all = try await store.inferenceSeries(queries[0])
            #expect(all.count == 300 - 3 - 6)  // shadows and records without the feature are left out
            #expect(all.values.filter(\.isNaN).count == 6)  // present but not finite
        }
    }
}
