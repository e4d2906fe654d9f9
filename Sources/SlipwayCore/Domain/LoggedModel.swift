import Foundation

/// A model logged from a run (or on its own) into an experiment: its artifacts live under
/// `<experiment>/models/<id>/artifacts`; it is pending until its upload is finalized.
public struct LoggedModel: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        case pending, ready, uploadFailed
    }

    /// `m-` and 32 hex digits.
    public var id: String
    public var workspaceID: String
    public var experimentID: String
    public var name: String
    public var sourceRunID: String?
    public var modelType: String?
    public var status: Status
    public var statusMessage: String?
    public var lifecycle: TrackingLifecycle
    public var createdAt: Int64
    public var updatedAt: Int64
    public var tags: [String: String]
    public var params: [String: String]

    public var artifactPath: String { "\(experimentID)/models/\(id)/artifacts" }

    public init(id: String, workspaceID: String, experimentID: String, name: String, sourceRunID: String?, modelType: String?,
                status: Status = .pending, statusMessage: String? = nil, lifecycle: TrackingLifecycle = .active,
                createdAt: Int64, updatedAt: Int64, tags: [String: String] = [:], params: [String: String] = [:]) {
        self.id = id
        self.workspaceID = workspaceID
        self.experimentID = experimentID
        self.name = name
        self.sourceRunID = sourceRunID
        self.modelType = modelType
        self.status = status
        self.statusMessage = statusMessage
        self.lifecycle = lifecycle
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.tags = tags
        self.params = params
    }
}
