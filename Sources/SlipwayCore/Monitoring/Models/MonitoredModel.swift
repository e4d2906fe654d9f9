import Foundation

/// A model served somewhere else (another platform, a cloud endpoint) whose inferences Slipway
/// records and watches: callers send what it was asked and what it answered, later the right
/// answers, and Slipway checks every value against the model's declared attributes.
///
/// `partnerModelID` is the caller's own name for the model, unique in its workspace. Records of
/// the model go to the one inference-record store with the model's `id` as their deployment and
/// pipeline id, so drift and queries read them as they read any served inference.
public struct MonitoredModel: Sendable, Equatable, Codable {
    /// What the model reads.
    public enum InputKind: String, Sendable, Codable, CaseIterable {
        case tabular, image, text, timeSeries
    }

    /// What the model answers.
    public enum OutputKind: String, Sendable, Codable, CaseIterable {
        case regression, multiclass, multilabel, objectDetection, tokenSequence, rankedList
    }

    /// Models are ready as soon as they are created (nothing is provisioned); `failed` is kept
    /// for models whose set-up could not finish.
    public enum Status: String, Sendable, Codable {
        case ready, failed
    }

    public var id: String
    public var workspaceID: String
    public var partnerModelID: String
    /// The name people read; defaults to the partner model id.
    public var displayName: String
    public var description: String?
    public var inputKind: InputKind
    public var outputKind: OutputKind
    /// Batch models receive inferences in named batches that are closed once complete.
    public var isBatch: Bool
    public var status: Status
    /// In position order (`attributes[i].position` grows).
    public var attributes: [MonitoredAttribute]
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public static let maximumNameBytes = 255

    public init(id: String, workspaceID: String, partnerModelID: String, displayName: String, description: String? = nil,
                inputKind: InputKind, outputKind: OutputKind, isBatch: Bool, status: Status = .ready,
                attributes: [MonitoredAttribute], createdBy: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.partnerModelID = partnerModelID
        self.displayName = displayName
        self.description = description
        self.inputKind = inputKind
        self.outputKind = outputKind
        self.isBatch = isBatch
        self.status = status
        self.attributes = attributes
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func attribute(named name: String) -> MonitoredAttribute? {
        attributes.first { $0.name == name }
    }

    /// The attributes of one stage, in position order.
    public func attributes(_ stage: MonitoredAttribute.Stage) -> [MonitoredAttribute] {
        attributes.filter { $0.stage == stage }.sorted { $0.position < $1.position }
    }
}
