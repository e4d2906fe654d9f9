import Foundation
import Testing

@testable import SlipwayCore

/// Assays on the in-memory store: ten days of imported records of one output (day 0 the
/// baseline, days 5 and 6 shifted by two standard deviations), run interactively and by the
/// scheduler's `runDue`, with the manual clock deciding which windows have closed.
@Suite("AssayService")
struct AssayServiceTests {
    static let day: TimeInterval = 86_400
    let t0 = Date(timeIntervalSince1970: 1_672_531_200)

    struct Setup {
        let harness: ServiceHarness
        let assays: AssayService
        let pipeline: Pipeline
    }

    /// Deterministic normal values (Box–Muller on a fixed linear congruential sequence).
    static func normal(count: Int, mean: Double, std: Double, seed: UInt64) -> [Double] {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
        return (0..<count).map { _ in mean + std * (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
    }

    func setup(shiftedDays: Set<Int> = [5, 6]) async throws -> Setup {
        let harness = try await ServiceHarness.make()
        let registry = ModelRegistryService(platform: harness.platform)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
        try Data("MODEL house".utf8).write(to: url)
        let version = try await registry.upload(ModelUpload(
            workspaceID: harness.workspace.id, userID: harness.principal.userID, name: "house", fileName: "house.onnx",
            framework: .onnx), file: url)
        let pipelines = ModelPipelineService(platform: harness.platform)
        let (pipeline, _) = try await pipelines.create(workspaceID: harness.workspace.id, userID: "u", name: "housepipe",
                                                       graph: ModelPipelineService.chain([(version.id, "house", nil)]))
        var inferences: [ImportedInference] = []
        for day in 0..<10 {
            let values = Self.normal(count: 200, mean: shiftedDays.contains(day) ? 13.8 : 12.9, std: 0.43, seed: UInt64(day + 1))
            for (index, value) in values.enumerated() {
                inferences.append(ImportedInference(
                    time: t0.addingTimeInterval(Double(day) * Self.day + Double(index) * 400),
                    inputs: ["tensor": .vector([1, 2, 3])], outputs: ["dense_2": .vector([value])]))
            }
        }
        let inserted = try await InferenceImporter(store: harness.store).importRecords(
            inferences, workspaceID: harness.workspace.id, pipelineName: "housepipe", modelName: "house")
        #expect(inserted == 2000)
        return Setup(harness: harness, assays: AssayService(platform: harness.platform, models: registry, modelPipelines: pipelines),
                     pipeline: pipeline)
    }

    func assay(_ setup: Setup, runUntil: Date? = nil, active: Bool = true) -> Assay {
        Assay(id: UUID().uuidString, workspaceID: setup.harness.workspace.id, pipelineID: setup.pipeline.id, name: "drift",
              isActive: active, feature: InferenceFeature(side: .output, name: "dense_2", element: 0),
              baseline: .fixed(modelName: "house", start: t0, end: t0.addingTimeInterval(Self.day)),
              window: AssayWindowSpec(width: Self.day), summarizer: DriftSummarizer(numBins: 5), warningThreshold: 0.05,
              alertThreshold: 0.25, runUntil: runUntil, createdAt: setup.harness.clock.now, createdBy: "u")
    }

    @Test func interactiveRunScoresEveryWindowAndStoresNothing() async throws {
        let setup = try await setup()
        let assay = try await setup.assays.create(assay(setup))
        let results = try await setup.assays.interactiveRun(assay)
        #expect(results.map(\.windowIndex) == Array(0..<9))
        #expect(results.map(\.windowStart) == (1..<10).map { t0.addingTimeInterval(Double($0) * Self.day) })
        for result in results {
            #expect(result.windowSummary.count == 200)
            let shifted = [4, 5].contains(result.windowIndex)
            #expect((result.status == .alert) == shifted, "window \(result.windowIndex) scored \(result.score.score)")
            #expect(result.baselineSummary.count == 200)
        }
        #expect(try await setup.harness.store.assayResults(assayID: assay.id, start: nil, end: nil, limit: 100).isEmpty)
    }

    @Test func baselineRunScoresZero() async throws {
        let setup = try await setup()
        let result = try await setup.assays.baselineRun(assay(setup))
        #expect(result.status == .baselineRun)
        #expect(result.score.score == 0)
        #expect(result.score.scores.allSatisfy { $0 == 0 })
        #expect(result.windowSummary.counts == result.baselineSummary.counts)
        #expect(result.windowStart == t0)
    }

    @Test func scheduledRunsAnalyseEveryClosedWindowOnce() async throws {
        let setup = try await setup()
        let clock = setup.harness.clock
        clock.advance(by: t0.addingTimeInterval(5.5 * Self.day).timeIntervalSince(clock.now))
        let assay = try await setup.assays.create(assay(setup))
        // Windows 0...3 end by day 5 and have closed; window 4 is still open.
        #expect(await setup.assays.runDue() == 4)
        #expect(await setup.assays.runDue() == 0)
        clock.advance(by: 30 * Self.day)
        #expect(await setup.assays.runDue() == 5)
        #expect(await setup.assays.runDue() == 0)
        let stored = try await setup.assays.results(of: assay, start: nil, end: nil, limit: 100)
        #expect(stored.map(\.windowIndex) == Array(0..<9))
        #expect(Set(stored.compactMap(\.id)).count == 9)
        #expect(try await setup.assays.alerts(workspaceID: setup.harness.workspace.id).map(\.windowIndex).sorted() == [4, 5])
        let windows = try await setup.harness.store.assay(id: assay.id)
        #expect(windows?.lastRunAt == clock.now)
        // Windows past the data are empty and give no result, but count as analysed.
        #expect((windows?.analyzedWindows ?? 0) > 9)
    }

    @Test func runUntilAndInactiveAssaysBoundScheduledRuns() async throws {
        let setup = try await setup()
        let bounded = try await setup.assays.create(assay(setup, runUntil: t0.addingTimeInterval(3 * Self.day)))
        let paused = try await setup.assays.create(assay(setup, active: false))
        #expect(await setup.assays.runDue() == 2)
        #expect(try await setup.assays.results(of: bounded, start: nil, end: nil, limit: 10).map(\.windowIndex) == [0, 1])
        #expect(try await setup.assays.results(of: paused, start: nil, end: nil, limit: 10).isEmpty)
        _ = try await setup.assays.setActive(paused, active: true)
        #expect(await setup.assays.runDue() == 9)
    }

    @Test func badAssaysAreRefused() async throws {
        let setup = try await setup()
        var wrong = assay(setup)
        wrong.warningThreshold = 0.5
        await expectSlipwayError(.badRequest) { _ = try await setup.assays.create(wrong) }
        wrong = assay(setup)
        wrong.name = ""
        await expectSlipwayError(.badRequest) { _ = try await setup.assays.create(wrong) }
        wrong = assay(setup)
        wrong.window.width = 0
        await expectSlipwayError(.badRequest) { _ = try await setup.assays.create(wrong) }
        wrong = assay(setup)
        wrong.pipelineID = "nope"
        await expectSlipwayError(.notFound) { _ = try await setup.assays.create(wrong) }
        wrong = assay(setup)
        wrong.baseline = .fixed(modelName: nil, start: t0.addingTimeInterval(-30 * Self.day), end: t0.addingTimeInterval(-Self.day))
        await expectSlipwayError(.badRequest) { _ = try await setup.assays.baselineRun(wrong) }
        wrong = assay(setup)
        wrong.baseline = .fixed(modelName: "unknown", start: t0, end: t0.addingTimeInterval(Self.day))
        await expectSlipwayError(.notFound) { _ = try await setup.assays.baselineRun(wrong) }
        #expect(try await setup.assays.assays(pipelineID: setup.pipeline.id).isEmpty)
    }

    @Test func importsAreCheckedWholeBeforeAnyIsStored() async throws {
        let setup = try await setup()
        let importer = InferenceImporter(store: setup.harness.store)
        let before = setup.harness.store.read { $0.inferenceRecords.count }
        let good = ImportedInference(time: t0, inputs: ["x": .number(1)], outputs: [:])
        let bad = ImportedInference(time: t0, inputs: ["bad\u{1}name": .number(1)], outputs: [:])
        let workspace = setup.harness.workspace.id
        await expectSlipwayError(.badRequest) {
            _ = try await importer.importRecords([good, bad], workspaceID: workspace, pipelineName: "housepipe", modelName: "house")
        }
        await expectSlipwayError(.notFound) {
            _ = try await importer.importRecords([good], workspaceID: workspace, pipelineName: "nope", modelName: "house")
        }
        await expectSlipwayError(.notFound) {
            _ = try await importer.importRecords([good], workspaceID: workspace, pipelineName: "housepipe", modelName: "nope")
        }
        await expectSlipwayError(.badRequest) {
            _ = try await importer.importRecords([], workspaceID: workspace, pipelineName: "housepipe", modelName: "house")
        }
        #expect(setup.harness.store.read { $0.inferenceRecords.count } == before)
    }
}
