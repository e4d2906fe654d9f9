import Foundation
import SlipwayCore

/// Inference records of a deployment in the Craft AI dialect's JSON style (snake_case keys, ISO
/// dates): `GET …/deployments/{name}/inferences`, a Slipway extension of the Craft AI API.
enum CraftAIInferencePresenter {
    static func page(_ page: InferenceRecordQuery.Page) -> JSONValue {
        .object([
            "inferences": .array(page.records.map(record)),
            "next_cursor": page.nextCursor.map { .string($0.token) } ?? .null,
        ])
    }

    /// One record: `execution_id` is the execution it was taken from (its external id);
    /// `latency_ms` the time the function and its outputs took.
    static func record(_ record: InferenceRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(record.id),
            "execution_id": record.externalID.json,
            "time": record.time.json,
            "inputs": .object(record.inputs.mapValues(\.json)),
            "outputs": .object(record.outputs.mapValues(\.json)),
            "latency_ms": record.latency.map { JSONValue.number(milliseconds($0)) } ?? .null,
        ]
        if !record.dropped.isEmpty { object["dropped"] = .array(record.dropped.map(JSONValue.string)) }
        return .object(object)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
