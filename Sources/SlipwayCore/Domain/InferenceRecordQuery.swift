import Foundation

/// Which inference records to read, and one page of them: a workspace, optional deployment,
/// pipeline and model version, a half-open time window `[start, end)`, an order and a cursor.
///
/// Records are ordered by time, then id, so that records with the same time still page
/// deterministically. ``page(of:)`` is the reference behaviour every store must match.
public struct InferenceRecordQuery: Sendable, Equatable {
    public enum Order: String, Sendable, Codable {
        case oldestFirst = "ascending"
        case newestFirst = "descending"
    }

    /// One page of results; `nextCursor` is nil when no record follows.
    public struct Page: Sendable, Equatable {
        public var records: [InferenceRecord]
        public var nextCursor: InferenceCursor?

        public init(records: [InferenceRecord], nextCursor: InferenceCursor?) {
            self.records = records
            self.nextCursor = nextCursor
        }
    }

    public var workspaceID: String
    public var deploymentID: String?
    public var pipelineID: String?
    public var modelVersionID: String?
    /// Records at or after this time.
    public var start: Date?
    /// Records strictly before this time.
    public var end: Date?
    public var order: Order
    /// 1 ... ``maximumLimit`` records per page.
    public var limit: Int
    /// Continue after this position (from the previous page's `nextCursor`).
    public var cursor: InferenceCursor?

    public static let defaultLimit = 1000
    public static let maximumLimit = 10_000

    public init(workspaceID: String, deploymentID: String? = nil, pipelineID: String? = nil, modelVersionID: String? = nil,
                start: Date? = nil, end: Date? = nil, order: Order = .newestFirst, limit: Int = defaultLimit,
                cursor: InferenceCursor? = nil) {
        self.workspaceID = workspaceID
        self.deploymentID = deploymentID
        self.pipelineID = pipelineID
        self.modelVersionID = modelVersionID
        self.start = start
        self.end = end
        self.order = order
        self.limit = limit
        self.cursor = cursor
    }

    /// The limit is within range and the window, when both ends are given, is not empty.
    public func validate() throws(SlipwayError) {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw .badRequest("page size must be between 1 and \(Self.maximumLimit)",
                              details: .object(["limit": .number(Double(limit))]))
        }
        if let start, let end, start >= end {
            throw .badRequest("the time window must end after it starts")
        }
    }

    /// Whether `record` is selected and lies beyond the cursor in this query's order.
    public func matches(_ record: InferenceRecord) -> Bool {
        guard record.workspaceID == workspaceID,
              deploymentID.map({ $0 == record.deploymentID }) ?? true,
              pipelineID.map({ $0 == record.pipelineID }) ?? true,
              modelVersionID.map({ $0 == record.modelVersionID }) ?? true,
              start.map({ record.time >= $0 }) ?? true,
              end.map({ record.time < $0 }) ?? true
        else { return false }
        guard let cursor else { return true }
        let position = (record.time, record.id)
        let after = (cursor.time, cursor.recordID)
        return order == .oldestFirst ? position > after : position < after
    }

    /// Whether `lhs` comes before `rhs` in this query's order.
    public func comesBefore(_ lhs: InferenceRecord, _ rhs: InferenceRecord) -> Bool {
        order == .oldestFirst ? (lhs.time, lhs.id) < (rhs.time, rhs.id) : (lhs.time, lhs.id) > (rhs.time, rhs.id)
    }

    /// The page this query selects from `records` (in any order).
    public func page(of records: some Sequence<InferenceRecord>) -> Page {
        let selected = records.filter(matches).sorted(by: comesBefore)
        let pageRecords = Array(selected.prefix(max(0, limit)))
        let more = selected.count > pageRecords.count
        return Page(records: pageRecords, nextCursor: more ? pageRecords.last.map(InferenceCursor.init(after:)) : nil)
    }
}
