import Foundation
import Testing

@testable import SlipwayCore

@Suite("Pipeline")
struct PipelineTests {
    func pipeline(_ nodes: [PipelineNode]) -> Pipeline {
        Pipeline(id: "p", workspaceID: "w", name: "p", graph: PipelineGraph(nodes: nodes), ownsStep: false,
                 createdAt: Date(timeIntervalSince1970: 0), createdBy: "u")
    }

    @Test func aOneStepPipelineRunsItsStep() throws {
        let single = pipeline([PipelineNode(name: "a", kind: .step(stepID: "s1"))])
        #expect(try single.singleStepID() == "s1")
        #expect(single.stepIDs == ["s1"])
    }

    @Test func otherGraphsAreRefusedToRunButListTheirSteps() {
        let graphs = [
            pipeline([]),
            pipeline([PipelineNode(name: "m", kind: .model(modelVersionID: "v1"))]),
            pipeline([PipelineNode(name: "a", kind: .step(stepID: "s1")), PipelineNode(name: "b", kind: .step(stepID: "s2")),
                      PipelineNode(name: "c", kind: .step(stepID: "s1"))]),
        ]
        for graph in graphs {
            #expect(throws: SlipwayError.self) { _ = try graph.singleStepID() }
        }
        #expect(graphs[1].stepIDs.isEmpty)
        #expect(graphs[2].stepIDs == ["s1", "s2"], "each step once, in node order")
    }
}
