import Testing

@testable import SlipwayCore

@Suite struct DriftSummarizerTests {
    @Test func defaultsAreFiveQuantileBinsDensityAndPSI() throws {
        let summarizer = DriftSummarizer()
        #expect(summarizer.binMode == .quantile && summarizer.aggregation == .density && summarizer.metric == .psi)
        #expect(summarizer.numBins == 5 && summarizer.addOutlierEdges)
        #expect(summarizer.binCount == 7)
        try summarizer.validate()
        #expect(DriftBinMode(rawValue: "Quantile") == .quantile && DriftMetric(rawValue: "MaxDiff") == .maxDiff)
        #expect(DriftAggregation(rawValue: "Cumulative") == .cumulative)
    }

    @Test func binCountBounds() throws {
        expectBadRequest("between 1 and 1000") { try DriftSummarizer(numBins: 0).validate() }
        expectBadRequest("between 1 and 1000") { try DriftSummarizer(numBins: 1001).validate() }
        try DriftSummarizer(numBins: 1).validate()
        try DriftSummarizer(numBins: 1000).validate()
    }

    @Test func binWeightsNeedOnePerBinFiniteNonNegativeAndNotAllZero() throws {
        expectBadRequest("7 entries") { try DriftSummarizer(binWeights: [1, 1, 1, 1, 1]).validate() }
        expectBadRequest("5 entries") {
            try DriftSummarizer(binWeights: [1, 1, 1, 1, 1, 1, 1], addOutlierEdges: false).validate()
        }
        try DriftSummarizer(binWeights: [1, 1, 1, 1, 1], addOutlierEdges: false).validate()
        expectBadRequest("non-negative") { try DriftSummarizer(binWeights: [1, 1, -1, 1, 1, 1, 1]).validate() }
        expectBadRequest("finite") { try DriftSummarizer(binWeights: [1, 1, .nan, 1, 1, 1, 1]).validate() }
        expectBadRequest("finite") { try DriftSummarizer(binWeights: [1, 1, .infinity, 1, 1, 1, 1]).validate() }
        expectBadRequest("all be zero") { try DriftSummarizer(binWeights: [0, 0, 0, 0, 0, 0, 0]).validate() }
        // None mode has a single inner bin.
        try DriftSummarizer(binMode: .none, binWeights: [1, 2, 1]).validate()
    }

    @Test func providedEdgesAreRequiredCountedSortedAndFinite() throws {
        expectBadRequest("needs provided_edges") { try DriftSummarizer(binMode: .provided).validate() }
        expectBadRequest("num_bins (5) or num_bins + 1 (6)") { try DriftSummarizer(binMode: .provided, providedEdges: [1, 2, 3]).validate() }
        expectBadRequest("sorted") { try DriftSummarizer(binMode: .provided, providedEdges: [1, 3, 2, 4, 5]).validate() }
        expectBadRequest("finite") { try DriftSummarizer(binMode: .provided, providedEdges: [1, 2, 3, 4, .infinity]).validate() }
        try DriftSummarizer(binMode: .provided, providedEdges: [1, 2, 3, 4, 5]).validate()
        try DriftSummarizer(binMode: .provided, providedEdges: [0, 1, 2, 3, 4, 5]).validate()
        // Other modes ignore provided edges.
        try DriftSummarizer(binMode: .quantile, providedEdges: [3, 2, 1]).validate()
    }

    @Test func baselineValidatesItsSummarizer() {
        expectBadRequest("num_bins") { _ = try DriftEngine.baseline([1, 2, 3], summarizer: DriftSummarizer(numBins: 0)) }
    }
}
