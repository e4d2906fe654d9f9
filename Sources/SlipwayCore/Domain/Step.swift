import Foundation

/// Creation status of a step or pipeline: its environment is being built, is ready, or failed.
public enum CreationStatus: String, Sendable, Codable, CaseIterable {
    case pending
    case ready
    case failed
}

/// A code bundle, its entry function, typed inputs/outputs and the environment it needs.
public struct Step: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var name: String
    public var functionPath: String
    public var functionName: String
    public var description: String?
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    public var containerConfig: ContainerConfig
    public var status: CreationStatus
    /// Set when a pipeline was created directly from a function: the step belongs to that
    /// pipeline, is hidden from step listings and goes away with it.
    public var ownerPipelineName: String?
    /// SHA-256 of the uploaded archive.
    public var codeDigest: String
    /// Blob holding the archive the step was created from.
    public var archiveBlob: String
    /// Content address of the Python environment, once known.
    public var environmentKey: String?
    public var createdAt: Date
    public var createdBy: String
    public var updatedAt: Date

    public init(id: String, workspaceID: String, name: String, functionPath: String, functionName: String,
                description: String?, inputs: [InputDefinition], outputs: [OutputDefinition],
                containerConfig: ContainerConfig, status: CreationStatus, ownerPipelineName: String?,
                codeDigest: String, archiveBlob: String, environmentKey: String?, createdAt: Date, createdBy: String, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.functionPath = functionPath
        self.functionName = functionName
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.containerConfig = containerConfig
        self.status = status
        self.ownerPipelineName = ownerPipelineName
        self.codeDigest = codeDigest
        self.archiveBlob = archiveBlob
        self.environmentKey = environmentKey
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt
    }
}
