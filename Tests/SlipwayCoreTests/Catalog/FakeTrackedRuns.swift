import Foundation
@testable import SlipwayCore

/// A tracking store in memory for catalog tests: runs, logged models and artifact files of
/// one workspace; it records which workspaces were asked for.
final class FakeTrackedRuns: TrackedRunReading, @unchecked Sendable {
    /// An `MLmodel` as `mlflow.sklearn.log_model` writes it (a folded quoted signature included).
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

    let workspaceID: String
    var runs: [String: TrackedRunSummary] = [:]
    var loggedModels: [String: String] = [:]
    var files: [String: Data] = [:]
    private let lock = NSLock()
    private var asked: [String] = []

    init(workspaceID: String) { self.workspaceID = workspaceID }

    var askedWorkspaces: [String] { lock.withLock { asked } }

    private func note(_ workspace: String) -> Bool {
        lock.withLock { asked.append(workspace) }
        return workspace == workspaceID
    }

    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? {
        note(workspaceID) ? runs[id] : nil
    }

    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? {
        note(workspaceID) ? loggedModels[id] : nil
    }

    func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        guard note(workspaceID) else { return [] }
        return files.keys.filter { $0.hasPrefix(path + "/") }.map { String($0.dropFirst(path.count + 1)) }.sorted()
    }

    func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        guard note(workspaceID), let data = files[path] else { return nil }
        guard data.count <= limit else { throw SlipwayError.tooLarge("artifact larger than \(limit) bytes") }
        return data
    }

    /// A KNN run of experiment 1 logged as the tracking client does, with its model at
    /// `1/<run>/artifacts/knnmodel` and as logged model `m-knn`.
    static func withKNNRun(workspaceID: String, runID: String = "run1", accuracy: Double = 0.96) -> FakeTrackedRuns {
        let fake = FakeTrackedRuns(workspaceID: workspaceID)
        fake.runs[runID] = TrackedRunSummary(
            runID: runID, experimentID: "1", experimentName: "iris", name: "knn-run", status: "FINISHED",
            startTime: Date(timeIntervalSince1970: 1_700_000_000), endTime: nil, userID: "u",
            params: ["n_neighbors": "3", "dataset": "iris"], metrics: ["accuracy": accuracy],
            tags: ["mlflow.runName": "knn-run", "mlflow.log-model.history": "[…]"], artifactPath: "1/\(runID)/artifacts")
        let manifest = Self.manifest.replacingOccurrences(of: "2c8c2fc3fefe4c56a29ac325c0bac39c", with: runID)
        var pickle: [UInt8] = [0x80, 0x05, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0]
        let module = Array("sklearn.neighbors._classification".utf8), name = Array("KNeighborsClassifier".utf8)
        pickle += [0x8c, UInt8(module.count)] + module + [0x94, 0x8c, UInt8(name.count)] + name + [0x94, 0x93]
        for folder in ["1/\(runID)/artifacts/knnmodel", "1/models/m-knn/artifacts"] {
            fake.files[folder + "/MLmodel"] = Data(manifest.utf8)
            fake.files[folder + "/model.pkl"] = Data(pickle)
        }
        fake.loggedModels["m-knn"] = "1/models/m-knn/artifacts"
        return fake
    }
}
