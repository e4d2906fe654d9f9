import Foundation

extension PipelineGraph {
    /// Refuses the graph with a bad-request error unless ``problems()`` is empty. The message is
    /// the first problem's (with a count of the others); `details.problems` lists them all.
    public func validate() throws(SlipwayError) {
        let problems = problems()
        guard let first = problems.first else { return }
        let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count > 2 ? "s" : ""))" : ""
        throw .badRequest("invalid pipeline graph: \(first.message)\(more)",
                          details: .object(["problems": .array(problems.map(\.json))]))
    }

    /// Everything wrong with the graph, in a stable order:
    /// - at least one node; node names DNS-style and unique; port names are Python identifiers,
    ///   unique among a node's inputs and among its outputs;
    /// - routing only on model nodes, and valid there (``ModelRouting/invalidReason(ownModelVersionID:)``);
    /// - every edge goes from an existing output to an existing input, and the output's type can
    ///   feed the input's (``IODataType/canFeed(_:)``: same type, or a `json` input taking any
    ///   non-file value);
    /// - an input is fed by at most one edge;
    /// - a defaulted input exists, is not fed by an edge, and is optional or has a default;
    /// - open inputs have distinct names, and so do open outputs;
    /// - no cycle (the first one found is named, see ``PipelineGraphProblem/cycle(_:)``).
    public func problems() -> [PipelineGraphProblem] {
        var problems: [PipelineGraphProblem] = []
        if nodes.isEmpty { problems.append(.noNodes) }
        problems += nodeProblems()
        problems += edgeProblems()
        problems += defaultedInputProblems()
        problems += openPortProblems()
        if let cycle = firstCycle() { problems.append(.cycle(cycle)) }
        return problems
    }

    private func nodeProblems() -> [PipelineGraphProblem] {
        var problems: [PipelineGraphProblem] = []
        var seen = Set<String>()
        var reported = Set<String>()
        for node in nodes {
            do { try NameRules.validateResourceName(node.name, kind: "node") } catch {
                problems.append(.invalidNodeName(node: node.name, reason: error.message))
            }
            if !seen.insert(node.name).inserted, reported.insert(node.name).inserted {
                problems.append(.duplicateNodeName(node.name))
            }
            for names in [node.inputs.map(\.name), node.outputs.map(\.name)] {
                var seenPorts = Set<String>()
                for name in names {
                    let port = PipelinePort(node: node.name, name: name)
                    do { try NameRules.validateIOName(name) } catch {
                        problems.append(.invalidPortName(port, reason: error.message))
                    }
                    if !seenPorts.insert(name).inserted { problems.append(.duplicatePortName(port)) }
                }
            }
            switch (node.kind, node.routing) {
            case (_, nil): break
            case (.step, .some): problems.append(.routingOnStepNode(node.name))
            case (.model(let own), .some(let routing)):
                if let reason = routing.invalidReason(ownModelVersionID: own) {
                    problems.append(.invalidRouting(node: node.name, reason: reason))
                }
            }
        }
        return problems
    }

    private func edgeProblems() -> [PipelineGraphProblem] {
        var problems: [PipelineGraphProblem] = []
        var feeding: [PipelinePort: [PipelineEdge]] = [:]
        for edge in edges {
            let source = node(named: edge.from.node)
            let target = node(named: edge.to.node)
            if source == nil { problems.append(.unknownNode(edge.from.node, edge: edge)) }
            let sameUnknownNode = source == nil && edge.to.node == edge.from.node
            if target == nil, !sameUnknownNode { problems.append(.unknownNode(edge.to.node, edge: edge)) }
            let output = source?.output(named: edge.from.name)
            let input = target?.input(named: edge.to.name)
            if source != nil, output == nil { problems.append(.unknownOutput(edge.from, edge: edge)) }
            if target != nil, input == nil { problems.append(.unknownInput(edge.to, edge: edge)) }
            if let output, let input, !output.dataType.canFeed(input.dataType) {
                problems.append(.typeMismatch(edge: edge, output: output.dataType, input: input.dataType))
            }
            if output != nil, input != nil { feeding[edge.to, default: []].append(edge) }
        }
        var reported = Set<PipelinePort>()
        for edge in edges {
            guard let feeders = feeding[edge.to], feeders.count > 1, reported.insert(edge.to).inserted else { continue }
            problems.append(.inputFedTwice(edge.to, edges: feeders))
        }
        return problems
    }

    private func defaultedInputProblems() -> [PipelineGraphProblem] {
        let fed = Set(edges.map(\.to))
        var problems: [PipelineGraphProblem] = []
        for port in defaultedInputs {
            guard let input = node(named: port.node)?.input(named: port.name) else {
                problems.append(.unknownDefaultedInput(port))
                continue
            }
            if fed.contains(port) {
                problems.append(.defaultedInputConnected(port))
            } else if input.isRequired, input.defaultValue == nil {
                problems.append(.requiredInputNotFed(port))
            }
        }
        return problems
    }

    private func openPortProblems() -> [PipelineGraphProblem] {
        var problems: [PipelineGraphProblem] = []
        for (name, ports) in Self.sharedNames(openInputs.map(\.port)) {
            problems.append(.ambiguousOpenInput(name, ports: ports))
        }
        for (name, ports) in Self.sharedNames(openOutputs.map(\.port)) {
            problems.append(.ambiguousOpenOutput(name, ports: ports))
        }
        return problems
    }

    /// Port names used by more than one port, in order of first use, with their ports. A port a
    /// node declares twice counts once (it is reported as a duplicate port already).
    private static func sharedNames(_ declared: [PipelinePort]) -> [(String, [PipelinePort])] {
        var unique = Set<PipelinePort>()
        let ports = declared.filter { unique.insert($0).inserted }
        let byName = Dictionary(grouping: ports, by: \.name)
        var seen = Set<String>()
        return ports.compactMap { port in
            guard seen.insert(port.name).inserted, let group = byName[port.name], group.count > 1 else { return nil }
            return (port.name, group)
        }
    }
}
