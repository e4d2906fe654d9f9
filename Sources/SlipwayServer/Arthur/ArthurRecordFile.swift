import Foundation
import SlipwayCore

/// The records of an uploaded file: Parquet (recognised by its `PAR1` magic bytes, as clients
/// send it without a content type) or a JSON array of objects. Flat rows (Parquet columns named
/// after attributes) are nested into the streaming shape by the model's attribute stages.
enum ArthurRecordFile {
    static func records(_ data: Data, part: String) throws -> [JSONValue] {
        if ArthurParquetRows.looksLikeParquet(data) {
            return try ArthurParquetRows.rows(data, part: part)
        }
        let json: JSONValue
        do {
            json = try JSONValue.parse(data)
        } catch {
            throw SlipwayError.badRequest("'\(part)' is neither a Parquet file nor a JSON array of records")
        }
        guard let items = json.arrayValue else {
            throw SlipwayError.badRequest("'\(part)' is neither a Parquet file nor a JSON array of records")
        }
        return items
    }

    /// A flat row (`partner_inference_id`, `inference_timestamp`, attribute columns…) as a
    /// streaming record; rows already nested pass unchanged. `batchID` fills a missing batch id.
    static func nested(_ item: JSONValue, batchID: String?, for model: MonitoredModel) -> JSONValue {
        guard var object = item.objectValue else { return item }
        if object["inference_data"] == nil && object["ground_truth_data"] == nil {
            var inference: [String: JSONValue] = [:]
            var groundTruth: [String: JSONValue] = [:]
            for (key, value) in object where !ArthurParquetRows.bookkeeping.contains(key) {
                if model.attribute(named: key)?.stage.side == .groundTruth { groundTruth[key] = value } else { inference[key] = value }
                object[key] = nil
            }
            if !inference.isEmpty { object["inference_data"] = .object(inference) }
            if !groundTruth.isEmpty { object["ground_truth_data"] = .object(groundTruth) }
        }
        if let batchID, object["batch_id"] == nil { object["batch_id"] = .string(batchID) }
        return .object(object)
    }
}
