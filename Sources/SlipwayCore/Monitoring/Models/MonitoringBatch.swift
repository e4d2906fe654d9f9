import Foundation

/// A named batch of a batch model's inferences: counted as records arrive, then closed by the
/// sender with the number it sent (which may differ from what was stored when some failed).
public struct MonitoringBatch: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Records are still arriving.
        case started
        /// The sender said it has sent everything.
        case uploaded
    }

    public var modelID: String
    public var batchID: String
    public var status: Status
    /// Records stored for the batch.
    public var storedRecordCount: Int
    /// The number the sender gave when closing it.
    public var declaredRecordCount: Int?
    public var createdAt: Date
    public var updatedAt: Date

    public static let maximumIDBytes = 255

    public init(modelID: String, batchID: String, status: Status, storedRecordCount: Int, declaredRecordCount: Int? = nil,
                createdAt: Date, updatedAt: Date) {
        self.modelID = modelID
        self.batchID = batchID
        self.status = status
        self.storedRecordCount = storedRecordCount
        self.declaredRecordCount = declaredRecordCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
