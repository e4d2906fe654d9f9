import Foundation
import Testing

@testable import SlipwayCore

/// The semantic query grammar and its evaluation over assets' descriptions.
@Suite struct SemanticQueryTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func asset(_ name: String, algorithm: String?, accuracy: Double?, datasets: [String] = [], kind: CatalogAssetKind = .model,
               frameworks: [String] = []) -> CatalogAsset {
        var description = SemanticDescription(title: name, algorithm: algorithm, frameworks: frameworks,
                                              parameters: ["n_neighbors": "3"], datasets: datasets, generatedAt: t0)
        if let accuracy { description.metrics["accuracy"] = accuracy }
        return CatalogAsset(id: String(repeating: "a", count: 64), workspaceID: "w", kind: kind, name: name,
                            semantics: description, createdAt: t0, createdBy: "u")
    }

    @Test func algorithmAndMetricThresholdMatchExactly() throws {
        let query = try SemanticQuery("algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9")
        #expect(query.matches(asset("good", algorithm: "KNeighborsClassifier", accuracy: 0.95)))
        #expect(!query.matches(asset("weak", algorithm: "KNeighborsClassifier", accuracy: 0.9)))
        #expect(!query.matches(asset("other", algorithm: "RandomForestClassifier", accuracy: 0.99)))
        #expect(!query.matches(asset("unmeasured", algorithm: "KNeighborsClassifier", accuracy: nil)))
    }

    @Test func orParenthesesQuotesAndMultiValuedKeys() throws {
        let query = try SemanticQuery("(dataset = iris OR dataset = 'wine quality') and kind = model")
        #expect(query.matches(asset("a", algorithm: nil, accuracy: nil, datasets: ["x", "wine quality"])))
        #expect(query.matches(asset("b", algorithm: nil, accuracy: nil, datasets: ["iris"])))
        #expect(!query.matches(asset("c", algorithm: nil, accuracy: nil, datasets: ["iris"], kind: .dataset)))
        #expect(!query.matches(asset("d", algorithm: nil, accuracy: nil, datasets: ["digits"])))
        #expect(try SemanticQuery("framework = sklearn").matches(asset("e", algorithm: nil, accuracy: nil,
                                                                         frameworks: ["python_function", "sklearn"])))
        #expect(try SemanticQuery("params.n_neighbors >= 3 AND params.n_neighbors < 4").matches(
            asset("f", algorithm: nil, accuracy: nil)))
        #expect(try SemanticQuery("algorithm CONTAINS neighbors").matches(asset("g", algorithm: "KNeighborsClassifier",
                                                                                accuracy: nil)))
        #expect(try SemanticQuery("mls:realizes != KNeighborsClassifier").matches(asset("h", algorithm: "SVC", accuracy: nil)))
        // AND binds tighter than OR.
        let precedence = try SemanticQuery("kind = dataset OR kind = model AND metrics.accuracy > 0.5")
        #expect(!precedence.matches(asset("i", algorithm: nil, accuracy: 0.1)))
        #expect(precedence.matches(asset("j", algorithm: nil, accuracy: 0.1, kind: .dataset)))
    }

    @Test(arguments: ["", "   ", "algorithm", "algorithm =", "nonsense = 1", "metrics.accuracy > high", "algorithm = 'open",
                      "(kind = model", "kind = model AND", "kind = model extra", "kind ! model", "kind = model OR OR kind = x",
                      "= model", "kind = model; DROP TABLE x"])
    func badQueriesAreRefusedWithAReason(_ text: String) async {
        await expectSlipwayError(.badRequest) { try SemanticQuery(text) }
    }

    @Test func tooLongQueriesAreRefused() async {
        await expectSlipwayError(.badRequest, message: "longer") {
            try SemanticQuery(Array(repeating: "kind = model", count: 400).joined(separator: " AND "))
        }
    }
}
