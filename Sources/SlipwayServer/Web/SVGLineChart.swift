import Foundation

/// A line chart drawn as SVG text: axes with "nice" ticks, grid, one polyline per series, a
/// legend when there are several, and each point's value on hover (an SVG `<title>`, also
/// reachable by keyboard). Every text is escaped here, since the SVG is inserted unescaped.
struct SVGLineChart: Sendable {
    struct Series: Sendable {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    var series: [Series]
    var xLabel: String
    var yLabel: String
    /// Written as `data-metric` (the chart of a metric) when set.
    var metric: String?
    /// How x values are written (steps by default; times for time series).
    var xFormat: @Sendable (Double) -> String = { WebFormat.number($0) }
    var width = 640.0
    var height = 280.0

    /// Colour-blind-safe palette with at least 3:1 contrast on white.
    static let palette = ["#0b5cad", "#c4590a", "#116329", "#8250df", "#a40e26", "#1b7c83", "#6e5600", "#bf3989"]
    /// Points drawn as hover targets per series (beyond it the line is simplified to this many).
    static let maxMarkers = 200

    func render() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let left = 64.0, right = 16.0, top = 12.0
        let legendRows = series.count > 1 ? min(series.count, Self.palette.count) : 0
        let bottom = 44.0 + Double(legendRows) * 18
        let height = self.height + Double(legendRows) * 18
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let (xMin, xMax) = Self.range(all.map(\.x))
        let (yMin, yMax) = Self.range(all.map(\.y))
        let xTicks = Self.ticks(xMin, xMax, count: 6), yTicks = Self.ticks(yMin, yMax, count: 5)
        let x0 = min(xTicks.first ?? xMin, xMin), x1 = max(xTicks.last ?? xMax, xMax)
        let y0 = min(yTicks.first ?? yMin, yMin), y1 = max(yTicks.last ?? yMax, yMax)
        func px(_ x: Double) -> Double { left + (x1 == x0 ? plotWidth / 2 : (x - x0) / (x1 - x0) * plotWidth) }
        func py(_ y: Double) -> Double { top + plotHeight - (y1 == y0 ? plotHeight / 2 : (y - y0) / (y1 - y0) * plotHeight) }

        let label = ([metric ?? yLabel] + series.map(\.name)).joined(separator: ", ")
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\""
        if let metric { svg += " data-metric=\"\(MarkupEscaping.escape(metric))\"" }
        svg += " aria-label=\"\(MarkupEscaping.escape("Line chart of " + label))\"><title>\(MarkupEscaping.escape(label))</title>"
        for tick in yTicks {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(py(tick)))\" y2=\"\(f(py(tick)))\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(MarkupEscaping.escape(WebFormat.number(tick)))</text>"
        }
        for tick in xTicks {
            svg += "<line class=\"axis\" x1=\"\(f(px(tick)))\" x2=\"\(f(px(tick)))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 4))\"/>"
            svg += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(MarkupEscaping.escape(xFormat(tick)))</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\"/>"
        svg += "<line class=\"axis\" x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\"/>"
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight + 34))\" text-anchor=\"middle\">\(MarkupEscaping.escape(xLabel))</text>"
        svg += "<text transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(MarkupEscaping.escape(yLabel))</text>"
        for (index, line) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<g data-series=\"\(MarkupEscaping.escape(line.name))\">"
            if points.count > 1 {
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(path)\"/>"
            }
            let stride = max(1, points.count / Self.maxMarkers)
            for (position, point) in points.enumerated() where position % stride == 0 || position == points.count - 1 {
                let tip = (series.count > 1 ? line.name + " · " : "") + "\(xLabel) \(xFormat(point.x)): \(WebFormat.number(point.y))"
                svg += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"3.5\" fill=\"\(colour)\" data-value=\"\(WebFormat.number(point.y))\">"
                svg += "<title>\(MarkupEscaping.escape(tip))</title></circle>"
            }
            svg += "</g>"
        }
        // One legend row per series (names can be long: execution ids).
        for (index, line) in series.prefix(legendRows).enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let y = top + plotHeight + 52 + Double(index) * 18
            svg += "<rect x=\"\(f(left))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(f(left + 18))\" y=\"\(f(y))\">\(MarkupEscaping.escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func range(_ values: [Double]) -> (Double, Double) {
        guard let low = values.min(), let high = values.max() else { return (0, 1) }
        if low == high { return low == 0 ? (0, 1) : (min(0, low), max(0, high) + abs(high) * 0.1) }
        return (low, high)
    }

    /// About `count` round tick values covering `low…high` (1, 2 or 5 times a power of ten apart).
    static func ticks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low, count > 1 else { return [low] }
        let rough = (high - low) / Double(count - 1)
        let power = pow(10, floor(log10(rough)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let first = floor(low / step)
        var ticks: [Double] = []
        while ticks.count < 50 {
            // Multiples of the step, rounded to its precision (no 0.6000000000000001).
            let units = ((first + Double(ticks.count)) * (step / power)).rounded()
            let tick = power >= 1 ? units * power : units / (1 / power).rounded()
            guard tick <= high + step * 0.5 else { break }
            ticks.append(tick == 0 ? 0 : tick)
        }
        return ticks
    }

}
