import Foundation
import SlipwayCore

/// Arthur's inference and ground-truth items (`partner_inference_id`, `inference_timestamp`,
/// `inference_data`, `batch_id`, `ground_truth_timestamp`, `ground_truth_data`) as core
/// values. An item that cannot be read is a per-record failure, never a reason to refuse the
/// others; values are taken as their JSON says (the core checks their types).
enum ArthurInferenceDecoder {
    static func inference(_ item: JSONValue, index: Int) -> Result<IncomingInference, SlipwayError> {
        Result { () throws(SlipwayError) -> IncomingInference in
            let fields = try Self.fields(item, index: index)
            guard let data = try? fields.objectValue("inference_data") else {
                throw .badRequest("'inference_data' must be an object of attribute values")
            }
            return IncomingInference(
                externalID: try partnerID(fields), time: try time(fields, "inference_timestamp"),
                values: data.mapValues(FeatureValue.init(json:)), batchID: try text(fields, "batch_id"),
                groundTruth: try groundTruthData(fields, required: false),
                groundTruthTime: try time(fields, "ground_truth_timestamp"))
        }
    }

    static func groundTruth(_ item: JSONValue, index: Int, now: Date) -> Result<GroundTruthUpdate, SlipwayError> {
        Result { () throws(SlipwayError) -> GroundTruthUpdate in
            let fields = try Self.fields(item, index: index)
            guard let id = try partnerID(fields) else { throw .badRequest("'partner_inference_id' is required") }
            return GroundTruthUpdate(externalID: id, values: try groundTruthData(fields, required: true) ?? [:],
                                     time: try time(fields, "ground_truth_timestamp") ?? now)
        }
    }

    /// A reference row: every column but the ids and times is an attribute value.
    static func referenceRow(_ item: JSONValue, index: Int) -> Result<[String: FeatureValue], SlipwayError> {
        guard let object = item.objectValue else { return .failure(.badRequest("record \(index) is not an object")) }
        var row: [String: FeatureValue] = [:]
        for (key, value) in object where !ArthurParquetRows.bookkeeping.contains(key) {
            if let nested = value.objectValue, key == "inference_data" || key == "ground_truth_data" {
                for (name, inner) in nested { row[name] = FeatureValue(json: inner) }
            } else {
                row[key] = FeatureValue(json: value)
            }
        }
        return .success(row)
    }

    private static func fields(_ item: JSONValue, index: Int) throws(SlipwayError) -> ArthurFields {
        guard let object = item.objectValue else { throw .badRequest("record \(index) is not an object") }
        return ArthurFields(object, what: "record")
    }

    private static func partnerID(_ fields: ArthurFields) throws(SlipwayError) -> String? {
        guard let value = fields.present("partner_inference_id") else { return nil }
        switch value {
        case .string(let text): return text
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: return String(Int64(number))
        default: throw .badRequest("'partner_inference_id' must be a string")
        }
    }

    private static func text(_ fields: ArthurFields, _ key: String) throws(SlipwayError) -> String? {
        guard let value = fields.present(key) else { return nil }
        guard let text = value.stringValue else { throw .badRequest("'\(key)' must be a string") }
        return text
    }

    private static func time(_ fields: ArthurFields, _ key: String) throws(SlipwayError) -> Date? {
        guard let text = try Self.text(fields, key) else { return nil }
        guard let date = ArthurTime.parse(text) else {
            throw .badRequest("'\(key)' must be an ISO 8601 time; got '\(NameRules.printable(text))'")
        }
        return date
    }

    private static func groundTruthData(_ fields: ArthurFields, required: Bool) throws(SlipwayError) -> [String: FeatureValue]? {
        guard let value = fields.present("ground_truth_data") else {
            if required { throw .badRequest("'ground_truth_data' is required") }
            return nil
        }
        guard let object = value.objectValue else { throw .badRequest("'ground_truth_data' must be an object of attribute values") }
        return object.mapValues(FeatureValue.init(json:))
    }
}
