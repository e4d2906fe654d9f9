import Foundation
import Testing

@testable import SlipwayServer

/// The SVG line chart: round ticks covering the data, one marker per point, escaped text.
@Suite("Web UI SVG line chart")
struct WebSVGLineChartTests {
    /// Whether `step` is 1, 2 or 5 times a power of ten.
    static func isRound(_ step: Double) -> Bool {
        let power = pow(10, floor(log10(step)))
        return [1.0, 2, 5, 10].contains { abs(step / power - $0) < 1e-9 }
    }

    @Test(arguments: [(0.0, 1.0), (0.0, 97.0), (-3.2, 7.9), (0.0012, 0.0047), (1_700_000_000.0, 1_700_003_600.0), (-50.0, -10.0),
                      (0.1, 0.9)])
    func ticksAreRoundAndCoverTheRange(_ range: (Double, Double)) {
        let (low, high) = range
        let ticks = SVGLineChart.ticks(low, high, count: 6)
        #expect(ticks.count >= 3 && ticks.count <= 12, "\(ticks)")
        #expect(ticks.first! <= low, "\(ticks) starts at or below \(low)")
        #expect(ticks.last! >= high, "\(ticks) ends at or above \(high)")
        let steps = zip(ticks.dropFirst(), ticks).map { $0 - $1 }
        let step = steps[0]
        #expect(Self.isRound(step), "step \(step) of \(ticks)")
        #expect(steps.allSatisfy { abs($0 - step) < step * 1e-6 }, "evenly spaced: \(ticks)")
        #expect(ticks.allSatisfy { abs(($0 / step).rounded() * step - $0) < step * 1e-6 }, "multiples of the step: \(ticks)")
    }

    @Test func ticksOfKnownRanges() {
        #expect(SVGLineChart.ticks(0, 10, count: 6) == [0, 2, 4, 6, 8, 10])
        #expect(SVGLineChart.ticks(0, 97, count: 5) == [0, 50, 100])
        #expect(SVGLineChart.ticks(-1, 1, count: 5) == [-1, -0.5, 0, 0.5, 1])
        #expect(SVGLineChart.ticks(3, 3, count: 5) == [3], "an empty range is one tick")
    }

    @Test func rangeOfFlatOrEmptyData() {
        #expect(SVGLineChart.range([]) == (0, 1))
        #expect(SVGLineChart.range([0, 0]) == (0, 1))
        let (low, high) = SVGLineChart.range([5, 5])
        #expect(low == 0)
        #expect(high > 5)
        #expect(SVGLineChart.range([2, -1, 7]) == (-1, 7))
    }

    @Test func smallSeriesHasOneCirclePerPointAndMetricAttribute() {
        let chart = SVGLineChart(series: [.init(name: "loss", points: [(0, 0.9), (1, 0.5), (2, 0.3), (3, 0.25)])],
                                 xLabel: "step", yLabel: "loss", metric: "loss")
        let svg = chart.render()
        #expect(svg.hasPrefix("<svg class=\"chart\""))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains(#"data-metric="loss""#))
        #expect(svg.contains(#"role="img""#))
        #expect(svg.contains(#"aria-label="Line chart of loss, loss""#))
        #expect(UIForms.count("<circle ", in: svg) == 4)
        #expect(UIForms.count("<polyline ", in: svg) == 1)
        #expect(svg.contains(#"data-value="0.25""#))
        #expect(svg.contains("<title>step 3: 0.25</title>"))
        #expect(!svg.contains("<rect "), "no legend for one series")
        // Points without a finite value are left out.
        let gaps = SVGLineChart(series: [.init(name: "m", points: [(0, 1), (1, .nan), (2, .infinity), (3, 2)])],
                                xLabel: "step", yLabel: "m").render()
        #expect(UIForms.count("<circle ", in: gaps) == 2)
        #expect(!gaps.contains("nan"))
        #expect(!gaps.contains("data-metric"), "no metric, no attribute")
    }

    @Test func singlePointIsDrawnWithoutLine() {
        let svg = SVGLineChart(series: [.init(name: "m", points: [(0, 42)])], xLabel: "step", yLabel: "m", metric: "m").render()
        #expect(UIForms.count("<circle ", in: svg) == 1)
        #expect(!svg.contains("<polyline"))
        #expect(!svg.contains("nan"))
    }

    @Test func longSeriesIsThinnedToTheMarkerLimit() {
        let points = (0..<1000).map { (x: Double($0), y: sin(Double($0) / 50)) }
        let svg = SVGLineChart(series: [.init(name: "wave", points: points)], xLabel: "step", yLabel: "wave").render()
        let circles = UIForms.count("<circle ", in: svg)
        #expect(circles >= SVGLineChart.maxMarkers / 2)
        #expect(circles <= SVGLineChart.maxMarkers + 1)
        #expect(svg.contains("<title>step 999:"), "the last point is always marked")
    }

    @Test func severalSeriesGetLegendAndColours() {
        let svg = SVGLineChart(series: [.init(name: "run-a", points: [(0, 1), (1, 2)]), .init(name: "run-b", points: [(0, 2), (1, 1)])],
                               xLabel: "step", yLabel: "loss", metric: "loss").render()
        #expect(svg.contains(#"<g data-series="run-a">"#))
        #expect(svg.contains(#"<g data-series="run-b">"#))
        #expect(UIForms.count("<rect ", in: svg) == 2)
        #expect(svg.contains(SVGLineChart.palette[0]))
        #expect(svg.contains(SVGLineChart.palette[1]))
        #expect(svg.contains("<title>run-b · step 1: 1</title>"))
    }

    @Test func textIsEscaped() {
        let evil = "<script>alert(\"x\")</script>&'"
        let svg = SVGLineChart(series: [.init(name: evil, points: [(0, 1), (1, 2)]), .init(name: "b", points: [(0, 1)])],
                               xLabel: evil, yLabel: evil, metric: evil).render()
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("alert(\"x\")"))
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"
        #expect(svg.contains("data-metric=\"\(escaped)\""))
        #expect(svg.contains("data-series=\"\(escaped)\""))
        #expect(svg.contains(">\(escaped)</text>"))
        #expect(MarkupEscaping.escape(evil) == escaped)
    }

    @Test func timeAxisUsesTheFormat() {
        let start = 1_700_000_000.0
        let svg = SVGLineChart(series: [.init(name: "latency", points: [(start, 10), (start + 600, 20)])], xLabel: "time",
                               yLabel: "ms", xFormat: { WebFormat.clock(Date(timeIntervalSince1970: $0)) }).render()
        #expect(svg.contains(">22:13</text>"), "ticks written as UTC clock times")
        #expect(!svg.contains(">1700000000</text>"))
    }
}
