import Foundation

extension InferenceRecord {
    /// Bytes of the record's features as stored (their JSON text).
    var featureBytes: [(side: String, name: String, bytes: Int)] {
        inputs.map { ("in", $0.key, JSONTextWriter.bytes(of: $0.value.json).count + $0.key.utf8.count) }
            + outputs.map { ("out", $0.key, JSONTextWriter.bytes(of: $0.value.json).count + $0.key.utf8.count) }
    }

    /// The record within `maxBytes` of features: inputs are left out first, largest first, then
    /// outputs the same way; what was left out is listed in `dropped` as `in.<name>` / `out.<name>`.
    public func limited(toBytes maxBytes: Int) -> InferenceRecord {
        let sizes = featureBytes
        var total = sizes.reduce(0) { $0 + $1.bytes }
        guard total > maxBytes else { return self }
        var record = self
        let order = sizes.filter { $0.side == "in" }.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
            + sizes.filter { $0.side == "out" }.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        for feature in order where total > maxBytes {
            if feature.side == "in" { record.inputs[feature.name] = nil } else { record.outputs[feature.name] = nil }
            record.dropped.append("\(feature.side).\(feature.name)")
            total -= feature.bytes
        }
        return record
    }
}
