import Foundation
import Testing

@testable import SlipwayCore

@Suite("Pipeline graph: validation, open ports, order")
struct PipelineGraphTests {
    static func step(_ name: String, in inputs: [(String, IODataType)] = [], out outputs: [(String, IODataType)] = []) -> PipelineNode {
        PipelineNode(name: name, kind: .step(stepID: "step-\(name)"),
                     inputs: inputs.map { InputDefinition(name: $0.0, dataType: $0.1) },
                     outputs: outputs.map { OutputDefinition(name: $0.0, dataType: $0.1) })
    }

    static func codes(_ graph: PipelineGraph) -> [String] { graph.problems().map(\.code) }

    @Test func singleStepGraphIsValidWithEveryPortOpen() throws {
        let inputs = [InputDefinition(name: "x", dataType: .number), InputDefinition(name: "data", dataType: .file)]
        let outputs = [OutputDefinition(name: "y", dataType: .json)]
        let graph = PipelineGraph.singleStep(nodeName: "main", stepID: "s1", inputs: inputs, outputs: outputs)
        try graph.validate()
        #expect(graph.nodes.count == 1 && graph.edges.isEmpty)
        #expect(graph.nodes[0].kind == .step(stepID: "s1"))
        #expect(graph.openInputs.map(\.definition) == inputs)
        #expect(graph.openInputs.map(\.port) == [PipelinePort(node: "main", name: "x"), PipelinePort(node: "main", name: "data")])
        #expect(graph.openOutputs.map(\.definition) == outputs)
        #expect(try graph.topologicalOrder().map(\.name) == ["main"])
    }

    @Test func chainHasOpenEndsOnlyAndRunsInEdgeOrder() throws {
        let graph = PipelineGraph(
            nodes: [Self.step("c", in: [("v", .json)], out: [("result", .string)]),
                    Self.step("a", in: [("raw", .string)], out: [("n", .number)]),
                    Self.step("b", in: [("n", .number)], out: [("v", .array)])],
            edges: [PipelineEdge("a", "n", to: "b", "n"), PipelineEdge("b", "v", to: "c", "v")])
        try graph.validate()
        #expect(graph.openInputs.map(\.port.description) == ["a.raw"])
        #expect(graph.openOutputs.map(\.port.description) == ["c.result"])
        #expect(try graph.topologicalOrder().map(\.name) == ["a", "b", "c"])
    }

    @Test func tiesAreBrokenByNameAndTheOrderIsStable() throws {
        // d feeds b and a; c is alone; e needs a and b.
        let graph = PipelineGraph(
            nodes: ["e", "c", "b", "a", "d"].map { name in
                Self.step(name, in: name == "e" ? [("x", .number), ("y", .number)] : name == "d" || name == "c" ? [] : [("i", .number)],
                          out: [("\(name)_out", .number)])
            },
            edges: [PipelineEdge("d", "d_out", to: "b", "i"), PipelineEdge("d", "d_out", to: "a", "i"),
                    PipelineEdge("a", "a_out", to: "e", "x"), PipelineEdge("b", "b_out", to: "e", "y")])
        let order = try graph.topologicalOrder().map(\.name)
        #expect(order == ["c", "d", "a", "b", "e"])
        var shuffled = graph
        shuffled.nodes.reverse()
        shuffled.edges.reverse()
        #expect(try shuffled.topologicalOrder().map(\.name) == order)
    }

    @Test func cycleIsRefusedNamingItsNodesFromTheSmallest() throws {
        let graph = PipelineGraph(
            nodes: [Self.step("start", out: [("o", .number)]),
                    Self.step("m", in: [("a", .number), ("b", .number)], out: [("o", .number)]),
                    Self.step("k", in: [("a", .number)], out: [("o", .number)]),
                    Self.step("z", in: [("a", .number)], out: [("o", .number)])],
            edges: [PipelineEdge("start", "o", to: "m", "a"), PipelineEdge("m", "o", to: "z", "a"),
                    PipelineEdge("z", "o", to: "k", "a"), PipelineEdge("k", "o", to: "m", "b")])
        #expect(graph.problems() == [.cycle(["k", "m", "z"])])
        do {
            _ = try graph.topologicalOrder()
            Issue.record("a cyclic graph was ordered")
        } catch {
            #expect(error.kind == .badRequest)
            #expect(error.message.contains("k -> m -> z -> k"))
            let problem = error.details?["problems"]?.arrayValue?.first
            #expect(problem?["code"] == .string("cycle"))
            #expect(problem?["nodes"] == .array([.string("k"), .string("m"), .string("z")]))
        }
    }

    @Test func selfLoopIsACycle() {
        let graph = PipelineGraph(nodes: [Self.step("a", in: [("i", .number)], out: [("o", .number)])],
                                  edges: [PipelineEdge("a", "o", to: "a", "i")])
        #expect(graph.problems() == [.cycle(["a"])])
    }

    @Test func unknownNodesAndPortsAreRefused() {
        let a = Self.step("a", out: [("o", .number)])
        let b = Self.step("b", in: [("i", .number)])
        let edges = [PipelineEdge("ghost", "o", to: "b", "i"), PipelineEdge("a", "o", to: "nobody", "i"),
                     PipelineEdge("a", "missing", to: "b", "i"), PipelineEdge("a", "o", to: "b", "missing"),
                     PipelineEdge("phantom", "o", to: "phantom", "i")]
        let graph = PipelineGraph(nodes: [a, b], edges: edges)
        #expect(graph.problems() == [
            .unknownNode("ghost", edge: edges[0]),
            .unknownNode("nobody", edge: edges[1]),
            .unknownOutput(PipelinePort(node: "a", name: "missing"), edge: edges[2]),
            .unknownInput(PipelinePort(node: "b", name: "missing"), edge: edges[3]),
            .unknownNode("phantom", edge: edges[4]),
        ])
    }

    @Test func anInputFedTwiceIsRefusedOnce() {
        let graph = PipelineGraph(
            nodes: [Self.step("a", out: [("o", .number), ("p", .number)]), Self.step("b", in: [("i", .number)])],
            edges: [PipelineEdge("a", "o", to: "b", "i"), PipelineEdge("a", "p", to: "b", "i"), PipelineEdge("a", "o", to: "b", "i")])
        let problems = graph.problems()
        #expect(problems == [.inputFedTwice(PipelinePort(node: "b", name: "i"), edges: graph.edges)])
        #expect(problems[0].json["edges"]?.arrayValue?.count == 3)
    }

    @Test func oneOutputMayFeedSeveralInputs() throws {
        let graph = PipelineGraph(
            nodes: [Self.step("a", out: [("o", .number)]), Self.step("b", in: [("i", .number)]), Self.step("c", in: [("i", .json)])],
            edges: [PipelineEdge("a", "o", to: "b", "i"), PipelineEdge("a", "o", to: "c", "i")])
        try graph.validate()
        #expect(graph.openOutputs.isEmpty)
        #expect(graph.openInputs.isEmpty)
    }

    @Test func typeCompatibilityIsSameTypeOrJSONTakingAnyNonFile() {
        for output in IODataType.allCases {
            for input in IODataType.allCases {
                let expected = output == input || (input == .json && output != .file)
                #expect(output.canFeed(input) == expected, "\(output) -> \(input)")
                let graph = PipelineGraph(nodes: [Self.step("a", out: [("o", output)]), Self.step("b", in: [("i", input)])],
                                          edges: [PipelineEdge("a", "o", to: "b", "i")])
                #expect(Self.codes(graph) == (expected ? [] : ["type_mismatch"]), "\(output) -> \(input)")
            }
        }
        let mismatch = PipelineGraphProblem.typeMismatch(edge: PipelineEdge("a", "o", to: "b", "i"), output: .file, input: .json)
        #expect(mismatch.json["output_type"] == .string("file"))
        #expect(mismatch.json["input_type"] == .string("json"))
        #expect(mismatch.message == "edge a.o -> b.i connects a file output to a json input")
    }

    @Test func defaultedInputsAreNotOpenAndMustBeSatisfiable() throws {
        let node = PipelineNode(name: "a", kind: .step(stepID: "s"), inputs: [
            InputDefinition(name: "req", dataType: .number),
            InputDefinition(name: "opt", dataType: .number, isRequired: false),
            InputDefinition(name: "dflt", dataType: .number, defaultValue: .number(3)),
        ])
        let fine = PipelineGraph(nodes: [node], defaultedInputs: [PipelinePort(node: "a", name: "opt"), PipelinePort(node: "a", name: "dflt")])
        try fine.validate()
        #expect(fine.openInputs.map(\.port.name) == ["req"])

        let unfed = PipelineGraph(nodes: [node], defaultedInputs: [PipelinePort(node: "a", name: "req")])
        #expect(unfed.problems() == [.requiredInputNotFed(PipelinePort(node: "a", name: "req"))])
        #expect(unfed.openInputs.map(\.port.name) == ["opt", "dflt"])

        let unknown = PipelineGraph(nodes: [node], defaultedInputs: [PipelinePort(node: "a", name: "nope"), PipelinePort(node: "b", name: "opt")])
        #expect(Self.codes(unknown) == ["unknown_defaulted_input", "unknown_defaulted_input"])

        let connected = PipelineGraph(nodes: [node, Self.step("z", out: [("o", .number)])],
                                      edges: [PipelineEdge("z", "o", to: "a", "opt")],
                                      defaultedInputs: [PipelinePort(node: "a", name: "opt")])
        #expect(Self.codes(connected) == ["defaulted_input_connected"])
    }

    @Test func openPortsMustHaveDistinctNamesAcrossNodes() {
        let graph = PipelineGraph(nodes: [Self.step("a", in: [("x", .number)], out: [("y", .number)]),
                                          Self.step("b", in: [("x", .number)], out: [("y", .string)]),
                                          Self.step("c", in: [("w", .number)])])
        #expect(graph.problems() == [
            .ambiguousOpenInput("x", ports: [PipelinePort(node: "a", name: "x"), PipelinePort(node: "b", name: "x")]),
            .ambiguousOpenOutput("y", ports: [PipelinePort(node: "a", name: "y"), PipelinePort(node: "b", name: "y")]),
        ])
    }

    @Test func namesAreCheckedAndDuplicatesReportedOnce() {
        let graph = PipelineGraph(nodes: [
            Self.step("Bad_Name"),
            Self.step("twin", out: [("o", .number)]),
            Self.step("twin"),
            Self.step("twin"),
            PipelineNode(name: "ports", kind: .step(stepID: "s"),
                         inputs: [InputDefinition(name: "1x", dataType: .number), InputDefinition(name: "k", dataType: .number),
                                  InputDefinition(name: "k", dataType: .string)],
                         outputs: [OutputDefinition(name: "k", dataType: .number)]),
        ])
        #expect(Self.codes(graph) == ["invalid_node_name", "duplicate_node_name", "invalid_port_name", "duplicate_port_name"])
        #expect(PipelineGraph(nodes: []).problems() == [.noNodes])
    }

    @Test func routingIsForModelNodesOnly() {
        var stepNode = Self.step("s")
        stepNode.routing = .shadow(challengers: ["v2"])
        #expect(PipelineGraph(nodes: [stepNode]).problems() == [.routingOnStepNode("s")])

        let model = PipelineNode(name: "m", kind: .model(modelVersionID: "v1"), inputs: [InputDefinition(name: "t", dataType: .array)],
                                 outputs: [OutputDefinition(name: "o", dataType: .array)],
                                 routing: .split(arms: [.init(modelVersionID: "v1", weight: 1), .init(modelVersionID: "v2", weight: 3)]))
        #expect(PipelineGraph(nodes: [model]).problems().isEmpty)
        #expect(PipelineGraph(nodes: [model]).modelVersionIDs == ["v1", "v2"])

        var wrong = model
        wrong.routing = .split(arms: [.init(modelVersionID: "v2", weight: 1), .init(modelVersionID: "v3", weight: 1)])
        #expect(Self.codes(PipelineGraph(nodes: [wrong])) == ["invalid_routing"])
    }

    @Test func validateReportsTheFirstProblemAndCountsTheOthers() {
        let graph = PipelineGraph(nodes: [Self.step("A"), Self.step("b")], edges: [PipelineEdge("b", "o", to: "c", "i")])
        do {
            try graph.validate()
            Issue.record("an invalid graph passed")
        } catch {
            #expect(error.message.hasPrefix("invalid pipeline graph: node name 'A' is invalid"))
            #expect(error.message.hasSuffix("(and 2 more problems)"))
            #expect(error.details?["problems"]?.arrayValue?.map { $0["code"] } == [.string("invalid_node_name"),
                                                                                 .string("unknown_node"), .string("unknown_output")])
        }
    }

    @Test func graphRoundTripsThroughJSON() throws {
        let graph = PipelineGraph(
            nodes: [Self.step("a", out: [("o", .number)]),
                    PipelineNode(name: "m", kind: .model(modelVersionID: "v1"), inputs: [InputDefinition(name: "i", dataType: .number)],
                                 routing: .shadow(challengers: ["v2"]))],
            edges: [PipelineEdge("a", "o", to: "m", "i")], defaultedInputs: [])
        let data = try JSONEncoder().encode(graph)
        #expect(try JSONDecoder().decode(PipelineGraph.self, from: data) == graph)
    }
}
