import Foundation

/// A binding with what its ingestion did: totals over every file and the most recent files.
public struct CaptureBindingReport: Sendable, Equatable {
    public var binding: CaptureBinding
    public var totals: CaptureIngestionTotals
    /// Most recently changed first.
    public var recentFiles: [CaptureIngestion]

    public init(binding: CaptureBinding, totals: CaptureIngestionTotals, recentFiles: [CaptureIngestion]) {
        self.binding = binding
        self.totals = totals
        self.recentFiles = recentFiles
    }
}
