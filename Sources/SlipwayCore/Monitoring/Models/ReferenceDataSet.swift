import Foundation

/// The rows a monitored model's live inferences are compared with (its training or validation
/// data): appended in uploads, then closed. Drift queries use it as their default baseline.
public struct ReferenceDataSet: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case started, uploaded
    }

    public var modelID: String
    public var status: Status
    public var storedRecordCount: Int
    public var declaredRecordCount: Int?
    public var createdAt: Date
    public var updatedAt: Date

    public init(modelID: String, status: Status, storedRecordCount: Int, declaredRecordCount: Int? = nil,
                createdAt: Date, updatedAt: Date) {
        self.modelID = modelID
        self.status = status
        self.storedRecordCount = storedRecordCount
        self.declaredRecordCount = declaredRecordCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
