import Foundation

/// The ingestion outcomes of one binding, summed over its files.
public struct CaptureIngestionTotals: Sendable, Equatable {
    /// Files by status.
    public var files: [CaptureIngestion.Status: Int]
    /// Inferences stored, refused and found, over every file.
    public var successCount: Int
    public var failureCount: Int
    public var totalCount: Int

    public init(files: [CaptureIngestion.Status: Int] = [:], successCount: Int = 0, failureCount: Int = 0, totalCount: Int = 0) {
        self.files = files
        self.successCount = successCount
        self.failureCount = failureCount
        self.totalCount = totalCount
    }

    public var fileCount: Int { files.values.reduce(0, +) }
}
