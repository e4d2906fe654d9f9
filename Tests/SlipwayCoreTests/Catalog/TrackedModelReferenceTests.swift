import Foundation
import Testing

@testable import SlipwayCore

/// The accepted model paths.
@Suite struct TrackedModelReferenceTests {
    @Test func everyAcceptedForm() throws {
        #expect(try TrackedModelReference("mlflow-artifacts:/208444466607110357/2c8c2fc3fefe4c56a29ac325c0bac39c/artifacts/knnmodel")
            == .runArtifacts(experimentID: "208444466607110357", runID: "2c8c2fc3fefe4c56a29ac325c0bac39c", path: "knnmodel"))
        #expect(try TrackedModelReference("mlflow-artifacts:/1/r1/artifacts/a/b") == .runArtifacts(experimentID: "1", runID: "r1",
                                                                                                    path: "a/b"))
        #expect(try TrackedModelReference("mlflow-artifacts:/3/models/m-abc/artifacts") == .loggedModel(experimentID: "3",
                                                                                                       modelID: "m-abc"))
        #expect(try TrackedModelReference("models:/m-abc") == .loggedModel(experimentID: nil, modelID: "m-abc"))
        #expect(try TrackedModelReference("models:/iris-knn/2") == .registeredModel(name: "iris-knn", version: "2"))
        #expect(try TrackedModelReference("runs:/r1/model") == .runArtifacts(experimentID: nil, runID: "r1", path: "model"))
    }

    @Test(arguments: ["", "knnmodel", "s3://bucket/model", "mlflow-artifacts:/1/r1/knnmodel", "mlflow-artifacts:/1/r1/artifacts",
                      "mlflow-artifacts:/1/r1/artifacts/../../etc", "runs:/r1", "runs:/r1//model", "models:/", "models:/a/b/c",
                      "models:/m-", "runs:/r1/model with space"])
    func othersAreRefused(_ text: String) async {
        await expectSlipwayError(.badRequest, message: "accepted forms") { try TrackedModelReference(text) }
    }
}
