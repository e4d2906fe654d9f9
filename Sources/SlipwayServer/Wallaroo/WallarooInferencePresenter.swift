import Foundation
import SlipwayCore

/// Inference results and inference-log records as pandas-records (protocol reference §8.5, §9):
/// `time` (epoch ms), `in`, `out` (with `_model_split` when the pipeline splits traffic),
/// `out_<model>` for each shadow challenger, `check_failures`, and `metadata` whose
/// `last_model` is a compact JSON string.
enum WallarooInferencePresenter {
    static func lastModel(name: String, sha: String) -> JSONValue {
        .string(JSONValue.object(["model_name": .string(name), "model_sha": .string(sha)]).jsonString())
    }

    static func split(name: String, version: ModelVersion) -> JSONValue {
        .array([.string(JSONValue.object(["name": .string(name), "version": .string(version.id),
                                          "sha": .string(version.sha256.value)]).jsonString())])
    }

    static func record(time: Date, inputs: [String: JSONValue], outputs: [String: JSONValue], modelName: String,
                       modelVersion: ModelVersion, split: Bool, shadows: [(modelName: String, outputs: [String: JSONValue])],
                       pipelineVersion: String, elapsed: [Int64], dropped: [String]?) -> JSONValue {
        var out = outputs
        if split { out["_model_split"] = Self.split(name: modelName, version: modelVersion) }
        var metadata: [String: JSONValue] = [
            "last_model": lastModel(name: modelName, sha: modelVersion.sha256.value),
            "pipeline_version": .string(pipelineVersion),
            "elapsed": .array(elapsed.map { .number(Double($0)) }),
        ]
        if let dropped { metadata["dropped"] = .array(dropped.map(JSONValue.string)) }
        var row: [String: JSONValue] = [
            "time": .number(WallarooTimestamp.milliseconds(time)), "in": .object(inputs), "out": .object(out),
            "check_failures": .array([]), "metadata": .object(metadata),
        ]
        for shadow in shadows { row["out_\(shadow.modelName)"] = .object(shadow.outputs) }
        return .object(row)
    }

    static func result(_ result: InferenceResult) -> [JSONValue] {
        result.rows.map { row in
            record(time: result.time, inputs: row.inputs, outputs: row.outputs, modelName: row.modelName,
                   modelVersion: row.modelVersion, split: result.hasSplit, shadows: row.shadowOutputs,
                   pipelineVersion: result.pipelineVersionID, elapsed: result.elapsed, dropped: nil)
        }
    }
}
