import Foundation
import SlipwayCore
import Testing

@testable import SlipwayRuntime

/// How an MLflow model folder version is served: loader, file, Python and requirements.
@Suite("MLflowModelFolder")
struct MLflowModelFolderTests {
    static func version(_ configuration: [String: JSONValue], framework: ModelFramework = .sklearn) throws -> ModelVersion {
        ModelVersion(id: "v", modelID: "m", workspaceID: "w", number: 1, blobKey: "b", fileName: "model.zip", size: 1,
                     sha256: try SHA256Hex(String(repeating: "a", count: 64)), framework: framework,
                     configuration: .object(configuration), status: .ready, createdAt: Date(), createdBy: "u")
    }

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    static let sklearn: [String: JSONValue] = [
        "format": .string("mlflow-model"), "flavors": strings(["python_function", "sklearn"]),
        "flavor_config": .object(["sklearn": .object(["pickled_model": .string("model.pkl"),
                                                      "serialization_format": .string("cloudpickle")])]),
        "model_path": .string("model.pkl"), "serialization_format": .string("cloudpickle"),
        "python_version": .string("3.11.7"),
        "requirements": .string("mlflow==3.17.2\ncloudpickle==3.1.3\nnumpy==2.4.6\npandas==3.1.1\nscikit-learn==1.9.1\n"),
    ]

    @Test func sklearnFolderLoadsThePickleWithoutMlflow() throws {
        let folder = try #require(MLflowModelFolder(try Self.version(Self.sklearn)))
        #expect(folder.loader == "sklearn")
        #expect(folder.modelFile == "model.pkl")
        #expect(folder.pythonVersion == "3.11")
        #expect(folder.refusal == nil)
        #expect(folder.environmentRequirements == "cloudpickle==3.1.3\nnumpy==2.4.6\npandas==3.1.1\nscikit-learn==1.9.1\n")
        #expect(folder.environment == ["SLIPWAY_MODEL_LOADER": "sklearn", "SLIPWAY_MODEL_FILE": "model.pkl",
                                       "SLIPWAY_MODEL_SERIALIZATION": "cloudpickle"])
    }

    @Test func genericPyfuncKeepsALighterMlflow() throws {
        var configuration = Self.sklearn
        configuration["flavors"] = Self.strings(["python_function"])
        configuration["requirements"] = .string("mlflow==3.17.2\n")
        let folder = try #require(MLflowModelFolder(try Self.version(configuration, framework: .custom)))
        #expect(folder.loader == "python_function")
        #expect(folder.environmentRequirements == "mlflow-skinny==3.17.2\nnumpy\npandas\n")
    }

    @Test func otherFlavoursAndPlainVersionsAreNotFolders() throws {
        var configuration = Self.sklearn
        configuration["flavors"] = Self.strings(["spark"])
        #expect(MLflowModelFolder(try Self.version(configuration))?.refusal != nil)
        #expect(MLflowModelFolder(try Self.version(["visibility": .string("public")])) == nil)
    }
}
