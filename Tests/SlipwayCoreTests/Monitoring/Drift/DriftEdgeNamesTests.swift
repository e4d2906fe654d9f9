import Testing

@testable import SlipwayCore

@Suite struct DriftEdgeNamesTests {
    @Test(arguments: [
        (12.525982856750488, "1.25e1"), (12.772802352905272, "1.28e1"), (14.095687866210938, "1.41e1"),
        (0.00125, "1.25e-3"), (-12.5, "-1.25e1"), (0, "0.00e0"), (1, "1.00e0"), (9.999, "1.00e1"),
        (123_456_789, "1.23e8"), (1e100, "1.00e100"), (-0.000_012_34, "-1.23e-5"),
    ])
    func scientificLikeRust(value: Double, expected: String) {
        #expect(DriftEdgeNames.scientific(value) == expected)
    }

    @Test func prefixedNames() {
        #expect(DriftEdgeNames.edge(12.525982856750488) == "e_1.25e1")
        #expect(DriftEdgeNames.partition(12.6) == "p_1.26e1")
    }

    @Test func quantileNames() {
        #expect((1...5).map { DriftEdgeNames.quantile($0, of: 5) } == ["q_20", "q_40", "q_60", "q_80", "q_100"])
        #expect((1...3).map { DriftEdgeNames.quantile($0, of: 3) } == ["q_33.33", "q_66.67", "q_100"])
        #expect(DriftEdgeNames.quantile(1, of: 8) == "q_12.5")
        #expect(DriftEdgeNames.quantile(1, of: 10) == "q_10")
    }
}
