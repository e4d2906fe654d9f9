import Foundation

/// One feature's drift: its baseline and window summaries and the score between them.
public struct DriftFeatureReport: Sendable, Equatable, Codable {
    public var baseline: DistributionSummary
    public var window: DistributionSummary
    public var score: DriftScore

    public init(baseline: DistributionSummary, window: DistributionSummary, score: DriftScore) {
        self.baseline = baseline
        self.window = window
        self.score = score
    }
}

extension DriftEngine {
    /// One feature: the baseline's summary, the window's binned by it, and their score.
    public static func feature(baseline: [Double], window: [Double], summarizer: DriftSummarizer) throws(SlipwayError) -> DriftFeatureReport {
        let base = try Self.baseline(baseline, summarizer: summarizer)
        let win = Self.window(window, baseline: base, summarizer: summarizer)
        return DriftFeatureReport(baseline: base, window: win,
                                  score: score(baseline: base, window: win, summarizer: summarizer))
    }

    /// Many features at once, `baselines[i]` against `windows[i]`, in that order. Features run
    /// concurrently, at most one per processor core at a time (each is CPU-bound). The first
    /// feature whose baseline cannot be summarized fails the report, naming its index.
    public static func report(baselines: [[Double]], windows: [[Double]], summarizer: DriftSummarizer) async throws(SlipwayError) -> [DriftFeatureReport] {
        try summarizer.validate()
        guard baselines.count == windows.count else {
            throw .badRequest("a drift report needs one window per baseline: \(baselines.count) baselines, \(windows.count) windows")
        }
        let width = Swift.max(1, Swift.min(ProcessInfo.processInfo.activeProcessorCount, baselines.count))
        let results = await withTaskGroup(of: (Int, Result<DriftFeatureReport, SlipwayError>).self) { group in
            var results = [Result<DriftFeatureReport, SlipwayError>?](repeating: nil, count: baselines.count)
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask {
                    (index, Result { () throws(SlipwayError) in
                        try feature(baseline: baselines[index], window: windows[index], summarizer: summarizer)
                    })
                }
            }
            while next < width { start() }
            for await (index, result) in group {
                results[index] = result
                if next < baselines.count { start() }
            }
            return results
        }
        var reports: [DriftFeatureReport] = []
        reports.reserveCapacity(results.count)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let report): reports.append(report)
            case .failure(let error): throw .badRequest("feature \(index): \(error.message)")
            case nil: throw .badRequest("feature \(index) was not computed")
            }
        }
        return reports
    }
}
