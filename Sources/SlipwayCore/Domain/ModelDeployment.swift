import Foundation

/// Where a serving deployment stands.
public enum ServingStatus: String, Sendable, Codable, CaseIterable {
    /// Environments building or model processes loading.
    case starting
    /// Every model of the pipeline has a live replica.
    case running
    /// A model could not be loaded or its environment built; `statusMessage` says why.
    case failed
    /// Undeployed: no processes, calls refused.
    case stopped
}

/// A versioned pipeline of model nodes served by resident model processes, answering inference
/// calls and recording every inference.
public struct ModelDeployment: Sendable, Equatable, Codable {
    public var id: String
    public var workspaceID: String
    /// Unique in the workspace.
    public var name: String
    public var pipelineID: String
    public var pipelineVersionID: String
    public var resources: ServingResources
    public var status: ServingStatus
    public var statusMessage: String?
    /// Incremented at every (re)deployment: replicas of an older generation are retired.
    public var generation: Int
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, name: String, pipelineID: String, pipelineVersionID: String,
                resources: ServingResources, status: ServingStatus, statusMessage: String? = nil, generation: Int = 1,
                createdAt: Date, createdBy: String, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.pipelineID = pipelineID
        self.pipelineVersionID = pipelineVersionID
        self.resources = resources
        self.status = status
        self.statusMessage = statusMessage
        self.generation = generation
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt ?? createdAt
    }

    public static func validateName(_ name: String) throws(SlipwayError) {
        try NameRules.validateResourceName(name, kind: "deployment")
    }
}
