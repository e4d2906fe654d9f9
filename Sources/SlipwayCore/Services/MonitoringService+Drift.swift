import Foundation

extension MonitoringService {
    /// One attribute's drift between a baseline and a window of a monitored model's rows: both
    /// summaries (bins by the baseline's quantiles, densities) and the PSI per bin and in total.
    public struct AttributeDrift: Sendable {
        public var attribute: String
        public var baseline: DistributionSummary
        public var window: DistributionSummary
        public var score: DriftScore
    }

    /// Where one side of a drift comparison reads.
    public struct DriftSide: Sendable {
        public var source: RowSource
        public var filter: MonitoredRecordFilter

        public init(source: RowSource, filter: MonitoredRecordFilter = MonitoredRecordFilter()) {
            self.source = source
            self.filter = filter
        }
    }

    /// Bins one may ask for.
    public static let driftBinRange = 2...100

    /// PSI of each numeric attribute (integers, floats, booleans as 0/1) between `baseline` and
    /// `window`, with `bins` quantile bins of the baseline, computed by the drift engine. Rows
    /// whose value is missing are counted out, not binned.
    public func drift(of model: MonitoredModel, attributes names: [String], baseline: DriftSide, window: DriftSide,
                      bins: Int = 10) async throws -> [AttributeDrift] {
        guard !names.isEmpty else { throw SlipwayError.badRequest("name at least one attribute") }
        guard Self.driftBinRange.contains(bins) else {
            throw SlipwayError.badRequest("the number of bins must be from \(Self.driftBinRange.lowerBound) to \(Self.driftBinRange.upperBound)")
        }
        var attributes: [MonitoredAttribute] = []
        for name in names {
            guard let attribute = model.attribute(named: name) else { throw Self.undeclared(name, model) }
            guard [.integer, .float, .boolean].contains(attribute.valueType) else {
                throw SlipwayError.badRequest("attribute '\(NameRules.printable(name))' is not numeric: drift is computed for numbers")
            }
            attributes.append(attribute)
        }
        let baseRows = try await rows(of: model, from: baseline.source, matching: baseline.filter)
        let windowRows = try await rows(of: model, from: window.source, matching: window.filter)
        let summarizer = DriftSummarizer(binMode: .quantile, aggregation: .density, metric: .psi, numBins: bins)
        return try attributes.map { attribute in
            let base = baseRows.compactMap { $0.values[attribute.name]?.numericValue }
            guard !base.isEmpty else {
                throw SlipwayError.badRequest("the baseline has no value of attribute '\(NameRules.printable(attribute.name))'")
            }
            let summary = try DriftEngine.baseline(base, summarizer: summarizer)
            let current = DriftEngine.window(windowRows.compactMap { $0.values[attribute.name]?.numericValue }, baseline: summary,
                                             summarizer: summarizer)
            return AttributeDrift(attribute: attribute.name, baseline: summary, window: current,
                                  score: DriftEngine.score(baseline: summary, window: current, summarizer: summarizer))
        }
    }
}
