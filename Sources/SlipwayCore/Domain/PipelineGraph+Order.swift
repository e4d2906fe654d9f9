import Foundation

extension PipelineGraph {
    /// The nodes of a valid graph so that every node comes after the nodes feeding it; among
    /// nodes that are ready at the same time, the smallest name comes first. Same graph, same
    /// order.
    /// - Throws: the error of ``validate()`` when the graph is invalid (a cycle among others).
    public func topologicalOrder() throws(SlipwayError) -> [PipelineNode] {
        try validate()
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return kahn().order.compactMap { byName[$0] }
    }

    /// Kahn's algorithm over node names, using the edges whose two nodes exist. `remaining` holds
    /// the nodes that could not be ordered: those on or after a cycle.
    private func kahn() -> (order: [String], remaining: Set<String>) {
        let names = Set(nodes.map(\.name))
        var successors: [String: Set<String>] = [:]
        var predecessorCount: [String: Int] = Dictionary(names.map { ($0, 0) }, uniquingKeysWith: { a, _ in a })
        for edge in edges where names.contains(edge.from.node) && names.contains(edge.to.node) {
            if successors[edge.from.node, default: []].insert(edge.to.node).inserted {
                predecessorCount[edge.to.node, default: 0] += 1
            }
        }
        var ready = names.filter { predecessorCount[$0] == 0 }.sorted(by: >)
        var order: [String] = []
        while let next = ready.popLast() {
            order.append(next)
            for successor in successors[next] ?? [] {
                predecessorCount[successor]! -= 1
                if predecessorCount[successor] == 0 {
                    let index = ready.firstIndex(where: { $0 < successor }) ?? ready.endIndex
                    ready.insert(successor, at: index)
                }
            }
        }
        return (order, names.subtracting(order))
    }

    /// The nodes of one cycle in edge order, rotated to start at its smallest name, or nil when
    /// the graph is acyclic. Deterministic: from the smallest unordered node, follow the
    /// smallest-named unordered predecessor until a node repeats.
    func firstCycle() -> [String]? {
        let remaining = kahn().remaining
        guard let start = remaining.min() else { return nil }
        var predecessors: [String: [String]] = [:]
        for edge in edges where remaining.contains(edge.from.node) && remaining.contains(edge.to.node) {
            predecessors[edge.to.node, default: []].append(edge.from.node)
        }
        var path: [String] = []
        var position: [String: Int] = [:]
        var current = start
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            // Every node left by Kahn's algorithm has a predecessor that was left too.
            guard let previous = predecessors[current]?.min() else { return nil }
            current = previous
        }
        let cycle = Array(path[position[current]!...].reversed())
        let smallest = cycle.indices.min { cycle[$0] < cycle[$1] }!
        return Array(cycle[smallest...] + cycle[..<smallest])
    }
}
