import Foundation
import SlipwayCore

/// Parquet files of inferences (as `arthurai` writes them with pandas/pyarrow) as JSON rows:
/// one object per row, one key per column, read by the core's Parquet reader. pandas' index
/// columns (`__index_level_0__`) are left out.
enum ArthurParquetRows {
    /// Columns that are not attribute values.
    static let bookkeeping: Set<String> = [
        "partner_inference_id", "inference_timestamp", "ground_truth_timestamp", "batch_id",
    ]

    static func looksLikeParquet(_ data: Data) -> Bool {
        ParquetFile.isParquet(data) || (data.count >= 4 && data.prefix(4) == Data("PAR1".utf8))
    }

    static func rows(_ data: Data, part: String) throws -> [JSONValue] {
        do {
            let file = try ParquetFile(data: data)
            return try file.records().map { record in
                .object(record.filter { !$0.key.hasPrefix("__index_level_") }.mapValues(\.json))
            }
        } catch let error as ParquetError {
            throw SlipwayError.badRequest("'\(part)' is not a readable Parquet file: \(error.message)")
        }
    }
}
