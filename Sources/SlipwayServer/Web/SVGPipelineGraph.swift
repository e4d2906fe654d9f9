import Foundation
import SlipwayCore

/// A pipeline's nodes drawn as an SVG DAG: nodes in columns by their depth (longest path from
/// an input), an arrow per edge labelled with the ports it joins on hover.
struct SVGPipelineGraph {
    let graph: PipelineGraph
    /// A node's label under its name (its kind, a model version…).
    let caption: (PipelineNode) -> String

    func render() -> String {
        let order = (try? graph.topologicalOrder()) ?? graph.nodes
        var depth: [String: Int] = [:]
        for node in order {
            let parents = graph.edges.filter { $0.to.node == node.name }.map(\.from.node)
            depth[node.name] = (parents.compactMap { depth[$0] }.max() ?? -1) + 1
        }
        var columns: [[PipelineNode]] = []
        for node in order {
            let column = depth[node.name] ?? 0
            while columns.count <= column { columns.append([]) }
            columns[column].append(node)
        }
        let boxWidth = 170.0, boxHeight = 52.0, gapX = 70.0, gapY = 24.0, margin = 12.0
        let width = margin * 2 + Double(columns.count) * boxWidth + Double(max(0, columns.count - 1)) * gapX
        let rows = columns.map(\.count).max() ?? 1
        let height = margin * 2 + Double(rows) * boxHeight + Double(max(0, rows - 1)) * gapY
        var position: [String: (x: Double, y: Double)] = [:]
        for (column, nodes) in columns.enumerated() {
            for (row, node) in nodes.enumerated() {
                position[node.name] = (margin + Double(column) * (boxWidth + gapX), margin + Double(row) * (boxHeight + gapY))
            }
        }
        let e = MarkupEscaping.escape
        var svg = "<svg class=\"dag\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\""
        svg += " aria-label=\"\(e("Pipeline graph: " + order.map(\.name).joined(separator: ", ")))\">"
        svg += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">"
        svg += "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>"
        for edge in graph.edges {
            guard let from = position[edge.from.node], let to = position[edge.to.node] else { continue }
            svg += "<line x1=\"\(Int(from.x + boxWidth))\" y1=\"\(Int(from.y + boxHeight / 2))\" x2=\"\(Int(to.x))\" "
            svg += "y2=\"\(Int(to.y + boxHeight / 2))\" stroke=\"#57606a\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\">"
            svg += "<title>\(e(edge.description))</title></line>"
        }
        for node in order {
            guard let at = position[node.name] else { continue }
            svg += "<g><rect x=\"\(Int(at.x))\" y=\"\(Int(at.y))\" width=\"\(Int(boxWidth))\" height=\"\(Int(boxHeight))\" rx=\"6\" "
            svg += "fill=\"#ddf4ff\" stroke=\"#0b5cad\"/>"
            svg += "<text x=\"\(Int(at.x + 10))\" y=\"\(Int(at.y + 21))\" fill=\"#1b1f24\" font-weight=\"600\" font-size=\"13\">"
            svg += "\(e(String(node.name.prefix(22))))</text>"
            svg += "<text x=\"\(Int(at.x + 10))\" y=\"\(Int(at.y + 40))\" fill=\"#3d444d\" font-size=\"12\">\(e(String(caption(node).prefix(26))))</text>"
            svg += "<title>\(e(node.name + " — " + caption(node)))</title></g>"
        }
        return svg + "</svg>"
    }
}
