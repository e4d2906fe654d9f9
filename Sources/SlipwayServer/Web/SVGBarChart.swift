import Foundation

/// Grouped bars drawn as SVG text (a histogram per series over the same bins, side by side),
/// with a y axis of round ticks, bin labels, a legend and each bar's value on hover.
struct SVGBarChart {
    struct Series {
        var name: String
        var values: [Double]
    }

    var categories: [String]
    var series: [Series]
    var yLabel: String
    var width = 640.0
    var height = 300.0

    func render() -> String {
        let left = 64.0, right = 16.0, top = 12.0, bottom = 60.0 + Double(series.count) * 18
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let high = max(series.flatMap(\.values).filter(\.isFinite).max() ?? 1, 1e-9)
        let ticks = SVGLineChart.ticks(0, high, count: 5)
        let top1 = max(ticks.last ?? high, high)
        func py(_ y: Double) -> Double { top + plotHeight - y / top1 * plotHeight }
        let e = MarkupEscaping.escape
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\""
        svg += " aria-label=\"\(e("Bar chart of " + yLabel + ": " + series.map(\.name).joined(separator: " vs ")))\">"
        for tick in ticks {
            svg += "<line class=\"grid\" x1=\"\(Int(left))\" x2=\"\(Int(left + plotWidth))\" y1=\"\(f(py(tick)))\" y2=\"\(f(py(tick)))\"/>"
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(e(WebFormat.number(tick)))</text>"
        }
        let group = plotWidth / Double(max(categories.count, 1))
        let bar = group * 0.8 / Double(max(series.count, 1))
        for (index, category) in categories.enumerated() {
            let x0 = left + Double(index) * group + group * 0.1
            for (position, line) in series.enumerated() where index < line.values.count {
                let value = line.values[index].isFinite ? line.values[index] : 0
                let colour = SVGLineChart.palette[position % SVGLineChart.palette.count]
                svg += "<rect x=\"\(f(x0 + Double(position) * bar))\" y=\"\(f(py(value)))\" width=\"\(f(bar))\" "
                svg += "height=\"\(f(py(0) - py(value)))\" fill=\"\(colour)\" data-value=\"\(WebFormat.number(value))\">"
                svg += "<title>\(e("\(line.name) · \(category): \(WebFormat.number(value))"))</title></rect>"
            }
            svg += "<text x=\"\(f(x0 + group * 0.4))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(e(String(category.prefix(12))))</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(Int(left))\" x2=\"\(Int(left + plotWidth))\" y1=\"\(f(py(0)))\" y2=\"\(f(py(0)))\"/>"
        svg += "<text transform=\"translate(14 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(e(yLabel))</text>"
        for (index, line) in series.enumerated() {
            let y = top + plotHeight + 42 + Double(index) * 18
            svg += "<rect x=\"\(Int(left))\" y=\"\(f(y - 10))\" width=\"12\" height=\"12\" fill=\"\(SVGLineChart.palette[index % SVGLineChart.palette.count])\"/>"
            svg += "<text x=\"\(Int(left + 18))\" y=\"\(f(y))\">\(e(line.name))</text>"
        }
        return svg + "</svg>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
