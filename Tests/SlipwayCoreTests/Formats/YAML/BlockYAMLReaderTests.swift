import Testing

@testable import SlipwayCore

@Suite("BlockYAMLReader")
struct BlockYAMLReaderTests {
    /// An `MLmodel` as `mlflow.sklearn.save_model` writes it, with a signature PyYAML folded.
    static let mlmodel = """
        artifact_path: model
        flavors:
          python_function:
            env:
              conda: conda.yaml
              virtualenv: python_env.yaml
            loader_module: mlflow.sklearn
            model_path: model.pkl
            predict_fn: predict
            python_version: 3.11.9
          sklearn:
            code: null
            pickled_model: model.pkl
            serialization_format: cloudpickle
            sklearn_version: 1.9.1
        mlflow_version: 3.17.2
        model_size_bytes: 1234
        model_uuid: 0f1e
        signature:
          inputs: '[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type":
            "double", "name": "it''s", "required": true}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
          params: null
        utc_time_created: '2026-12-01 18:00:00.000000'
        """

    @Test func readsMLmodel() throws {
        let value = try BlockYAMLReader.parse(Self.mlmodel)
        #expect(value["flavors"]?["sklearn"]?["serialization_format"] == .string("cloudpickle"))
        #expect(value["flavors"]?["sklearn"]?["code"] == .null)
        #expect(value["flavors"]?["python_function"]?["python_version"] == .string("3.11.9"))
        #expect(value["model_size_bytes"] == .number(1234))
        #expect(value["signature"]?["inputs"]?.stringValue
            == #"[{"type": "double", "name": "sepal length (cm)", "required": true}, {"type": "double", "name": "it's", "required": true}]"#)
        #expect(value["utc_time_created"] == .string("2026-12-01 18:00:00.000000"))
    }

    @Test func readsSequencesAndQuotedKeys() throws {
        let value = try BlockYAMLReader.parse("""
            dependencies:
            - python=3.11
            - pip:
              - mlflow==3.17.2
              - scikit-learn
            "quoted key": "a \\"b\\""
            empty: {}
            """)
        #expect(value["dependencies"]?.arrayValue?.first == .string("python=3.11"))
        #expect(value["dependencies"]?.arrayValue?.last?["pip"] == .array([.string("mlflow==3.17.2"), .string("scikit-learn")]))
        #expect(value["quoted key"] == .string("a \"b\""))
        #expect(value["empty"] == .object([:]))
    }

    @Test func unsupportedConstructsAreErrorsNotGuesses() {
        expectBadRequest("not supported") { _ = try BlockYAMLReader.parse("a: &anchor 1") }
        expectBadRequest("not supported") { _ = try BlockYAMLReader.parse("a: |\n  text") }
        expectBadRequest("unterminated") { _ = try BlockYAMLReader.parse("a: 'open") }
        expectBadRequest("expected 'key: value'") { _ = try BlockYAMLReader.parse("just text\nb: 1") }
    }
}
