import Foundation

/// A runnable unit. Today a pipeline has one step node; its open inputs and outputs are the step's.
public struct Pipeline: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var stepID: String
    public var stepName: String
    /// True when the pipeline was created from a function and owns its step.
    public var ownsStep: Bool
    public var createdAt: Date
    public var createdBy: String

    public init(id: String, workspaceID: String, name: String, stepID: String, stepName: String, ownsStep: Bool,
                createdAt: Date, createdBy: String) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.stepID = stepID
        self.stepName = stepName
        self.ownsStep = ownsStep
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
