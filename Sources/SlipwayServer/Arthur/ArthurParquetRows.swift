import Foundation
import SlipwayCore

/// Parquet files of inferences as JSON rows (one object per row, columns by name).
enum ArthurParquetRows {
    /// Columns that are not attribute values.
    static let bookkeeping: Set<String> = [
        "partner_inference_id", "inference_timestamp", "ground_truth_timestamp", "batch_id",
    ]

    static func looksLikeParquet(_ data: Data) -> Bool {
        data.count >= 4 && data.prefix(4) == Data("PAR1".utf8)
    }

    static func rows(_ data: Data, part: String) throws -> [JSONValue] {
        throw SlipwayError.notImplemented("Parquet files are not read yet: send '\(part)' as a JSON array")
    }
}
