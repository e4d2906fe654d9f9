import Foundation
import Hummingbird
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

extension WallarooInferencePresenter {
    /// The leading keys of a record, in the order Wallaroo writes them (so that
    /// `DataFrame.from_records` gives its columns in that order); other keys follow sorted.
    static let keyOrder = ["time", "in", "out", "check_failures", "metadata"]

    /// A JSON array of records with their top-level keys in `keyOrder`.
    static func encode(_ records: [JSONValue]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        for (index, record) in records.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            guard case .object(let object) = record else {
                bytes += JSONTextWriter.bytes(of: record)
                continue
            }
            let keys = keyOrder.filter { object[$0] != nil } + object.keys.filter { !keyOrder.contains($0) }.sorted()
            bytes.append(UInt8(ascii: "{"))
            for (position, key) in keys.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += JSONTextWriter.bytes(of: .string(key))
                bytes.append(UInt8(ascii: ":"))
                bytes += JSONTextWriter.bytes(of: object[key] ?? .null)
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    static func response(_ records: [JSONValue]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: encode(records))))
    }
}

extension WallarooInferencePresenter {
    /// A record as `assays/get_baseline` lists it: dotted keys (`in.<name>`, `out.<name>`) and
    /// metadata as JSON strings written the way Python's `json.dumps` does (a space after `:`
    /// and `,`).
    static func flattened(_ entry: InferenceLogPage.Entry) -> JSONValue {
        var row: [String: JSONValue] = ["time": .number(WallarooTimestamp.milliseconds(entry.record.time))]
        for (name, value) in entry.record.inputs { row["in.\(name)"] = value.json }
        for (name, value) in entry.record.outputs { row["out.\(name)"] = value.json }
        func quoted(_ text: String) -> String { String(decoding: JSONTextWriter.bytes(of: .string(text)), as: UTF8.self) }
        row["metadata.last_model"] = .string("{\"model_name\": \(quoted(entry.modelName ?? "")), "
            + "\"model_sha\": \(quoted(entry.modelVersion?.sha256.value ?? ""))}")
        let elapsed = entry.record.latency.map { ServingService.nanoseconds($0) } ?? 0
        row["metadata.profile"] = .string("{\"elapsed_ns\": \(elapsed)}")
        return .object(row)
    }
}
