import Foundation
import Testing

@testable import SlipwayCore

/// The YAML subset of model manifests, on a manifest as the tracking client writes it
/// (long signature strings folded over lines).
@Suite struct ManifestYAMLTests {
    static let manifest = """
        artifact_path: knnmodel
        flavors:
          python_function:
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.sklearn
            model_path: model.pkl
            predict_fn: predict
            python_version: 3.11.2
          sklearn:
            code: null
            pickled_model: model.pkl
            serialization_format: cloudpickle
            sklearn_version: 1.9.1
        mlflow_version: 3.17.2
        model_id: m-0123456789abcdef
        model_size_bytes: 5324
        run_id: 2c8c2fc3fefe4c56a29ac325c0bac39c
        signature:
          inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
            "double", "name": "petal width (cm)", "required": true}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
          params: null
        utc_time_created: '2026-12-01 18:00:00.123456'
        tags:
        - first
        - 'second: quoted'
        """

    @Test func readsNestedMappingsScalarsAndFoldedQuotes() throws {
        let value = try ManifestYAML.parse(Self.manifest)
        #expect(value["run_id"]?.stringValue == "2c8c2fc3fefe4c56a29ac325c0bac39c")
        #expect(value["model_size_bytes"] == .number(5324))
        #expect(value["flavors"]?["sklearn"]?["serialization_format"]?.stringValue == "cloudpickle")
        #expect(value["flavors"]?["sklearn"]?["code"] == .null)
        #expect(value["flavors"]?["python_function"]?["env"]?["virtualenv"]?.stringValue == "python_env.yaml")
        #expect(value["utc_time_created"]?.stringValue == "2026-12-01 18:00:00.123456")
        #expect(value["tags"] == .array([.string("first"), .string("second: quoted")]))
        let inputs = try JSONValue.parse(try #require(value["signature"]?["inputs"]?.stringValue))
        #expect(inputs.arrayValue?.count == 2)
        #expect(inputs.arrayValue?[1]["name"]?.stringValue == "petal width (cm)")
        #expect(value["signature"]?["params"] == .null)
    }

    @Test func refusesWhatIsNotTheSubset() async {
        await expectSlipwayError(.badRequest) { try ManifestYAML.parse("a: 'never closed\nb: 1") }
        await expectSlipwayError(.badRequest) { try ManifestYAML.parse("just some text") }
    }

    @Test func anEmptyManifestIsAnEmptyMapping() throws {
        #expect(try ManifestYAML.parse("# nothing\n") == .object([:]))
    }
}
