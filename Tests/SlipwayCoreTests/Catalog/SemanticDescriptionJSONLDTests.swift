import Foundation
import Testing

@testable import SlipwayCore

/// The JSON-LD rendering in ML-Schema's terms.
@Suite struct SemanticDescriptionJSONLDTests {
    @Test func aModelIsTheOutputOfARunThatRealizesItsAlgorithm() throws {
        let description = SemanticDescription(
            title: "knn", algorithm: "KNeighborsClassifier", implementation: "sklearn.neighbors.KNeighborsClassifier",
            frameworks: ["sklearn"], parameters: ["n_neighbors": "3"], metrics: ["accuracy": 0.95], datasets: ["iris"],
            keywords: ["demo"], run: .init(runID: "r1", experimentID: "1"), generatedAt: Date(timeIntervalSince1970: 0))
        let id = String(repeating: "b", count: 64)
        let document = description.jsonLD(assetID: id, kind: .model)
        #expect(document["@context"]?["mls"]?.stringValue == "http://www.w3.org/ns/mls#")
        #expect(document["@context"]?["ids"]?.stringValue == "https://w3id.org/idsa/core/")
        let graph = try #require(document["@graph"]?.arrayValue)
        #expect(graph.first?["@type"]?.stringValue == "mls:Model")
        let run = try #require(graph.first { $0["@type"]?.stringValue == "mls:Run" })
        #expect(run["@id"]?.stringValue == "urn:slipway:run:r1")
        #expect(run["mls:realizes"]?["@id"]?.stringValue == "urn:slipway:algorithm:KNeighborsClassifier")
        #expect(run["mls:hasOutput"]?.arrayValue?.contains(.object(["@id": .string("urn:slipway:asset:\(id)")])) == true)
        #expect(run["mls:hasInput"]?.arrayValue?.count == 2)
        let evaluation = try #require(graph.first { $0["@type"]?.stringValue == "mls:ModelEvaluation" })
        #expect(evaluation["mls:hasValue"]?["@value"] == .number(0.95))
        #expect(evaluation["mls:specifiedBy"]?["@id"]?.stringValue == "urn:slipway:measure:accuracy")
        #expect(graph.contains { $0["@type"]?.stringValue == "mls:HyperParameterSetting" && $0["mls:hasValue"]?.stringValue == "3" })
        #expect(graph.contains { $0["@type"]?.stringValue == "mls:Dataset" && $0["rdfs:label"]?.stringValue == "iris" })
    }

    @Test func aBareDatasetIsOneNode() {
        let description = SemanticDescription(title: "iris", generatedAt: Date(timeIntervalSince1970: 0))
        let graph = description.jsonLD(assetID: String(repeating: "c", count: 64), kind: .dataset)["@graph"]?.arrayValue
        #expect(graph?.count == 1)
        #expect(graph?.first?["@type"]?.stringValue == "mls:Dataset")
    }
}
