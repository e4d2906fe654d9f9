import Foundation

@testable import SlipwayCore

/// `ModelArtifacts` without Python: an artifact is valid when its text starts with `MODEL`;
/// frameworks `onnx`, `python` and `custom` can be served.
struct FakeModelArtifacts: ModelArtifacts {
    func inspect(file: URL, framework: ModelFramework) async throws -> ModelArtifactFacts {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        guard text.hasPrefix("MODEL") else { throw SlipwayError.badRequest("not a model file") }
        return ModelArtifactFacts(inputNames: ["x"], outputNames: ["y"])
    }

    func servingRefusal(for version: ModelVersion) -> String? {
        let framework = version.framework
        return ["onnx", "python", "custom"].contains(framework.rawValue) ? nil : "no \(framework.rawValue) runtime here"
    }

    func environmentSpec(for version: ModelVersion) throws -> EnvironmentSpec {
        EnvironmentSpec(pythonVersion: "3.11", requirements: "runtime-\(version.framework.rawValue)", systemDependencies: [])
    }

    func servingCode(for version: ModelVersion, modelName: String, blobs: any BlobStore) async throws -> ModelServingCode {
        ModelServingCode(codeDirectory: URL(fileURLWithPath: "/models"), functionPath: "entry.py", functionName: "infer",
                         environment: ["MODEL": modelName, "MODEL_VERSION": version.id])
    }
}
