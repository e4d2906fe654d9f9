import Foundation

/// What one bounded deletion of expired inference data removed: records (shadow results
/// included), and per-feature column rows dropped (their whole batch expired) or rewritten
/// without their expired points.
public struct InferencePurgeCount: Sendable, Equatable {
    public var records: Int
    public var droppedColumns: Int
    public var trimmedColumns: Int

    public init(records: Int = 0, droppedColumns: Int = 0, trimmedColumns: Int = 0) {
        self.records = records
        self.droppedColumns = droppedColumns
        self.trimmedColumns = trimmedColumns
    }

    /// True when the call found nothing left to delete.
    public var isEmpty: Bool { records == 0 && droppedColumns == 0 && trimmedColumns == 0 }

    public static func + (lhs: InferencePurgeCount, rhs: InferencePurgeCount) -> InferencePurgeCount {
        InferencePurgeCount(records: lhs.records + rhs.records, droppedColumns: lhs.droppedColumns + rhs.droppedColumns,
                            trimmedColumns: lhs.trimmedColumns + rhs.trimmedColumns)
    }
}
