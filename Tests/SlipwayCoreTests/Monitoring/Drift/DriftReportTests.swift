import Testing

@testable import SlipwayCore

@Suite struct DriftReportTests {
    @Test func reportKeepsFeatureOrderAndEqualsOneFeatureAtATime() async throws {
        let baselines = (0..<5).map { f in DriftOrderStatisticsTests.data(f % 4, count: 4000) }
        let windows = (0..<5).map { f in DriftOrderStatisticsTests.data((f + 1) % 4, count: 3000) }
        let summarizer = DriftSummarizer(numBins: 8)
        let report = try await DriftEngine.report(baselines: baselines, windows: windows, summarizer: summarizer)
        #expect(report.count == 5)
        for f in 0..<5 {
            #expect(report[f] == (try DriftEngine.feature(baseline: baselines[f], window: windows[f], summarizer: summarizer)))
        }
    }

    @Test func reportRefusesMismatchedInputsAndNamesTheFailingFeature() async {
        await #expect(throws: SlipwayError.self) {
            _ = try await DriftEngine.report(baselines: [[1]], windows: [], summarizer: DriftSummarizer())
        }
        do {
            _ = try await DriftEngine.report(baselines: [[1, 2], [.nan]], windows: [[1], [2]], summarizer: DriftSummarizer())
            Issue.record("expected a BadRequest error")
        } catch {
            #expect(error.kind == .badRequest)
            #expect(error.message.hasPrefix("feature 1:"))
        }
    }
}
