import Foundation

/// A step (or function-based pipeline) as a client asked for it, before validation.
public struct StepDraft: Sendable, Equatable {
    public var name: String
    public var functionPath: String?
    public var functionName: String?
    public var description: String?
    public var inputs: [InputDefinition]
    public var outputs: [OutputDefinition]
    public var containerConfig: ContainerConfig

    public init(name: String, functionPath: String?, functionName: String?, description: String?,
                inputs: [InputDefinition], outputs: [OutputDefinition], containerConfig: ContainerConfig) {
        self.name = name
        self.functionPath = functionPath
        self.functionName = functionName
        self.description = description
        self.inputs = inputs
        self.outputs = outputs
        self.containerConfig = containerConfig
    }
}

/// Workspace defaults applied when a step leaves a container setting out.
public struct ProjectDefaults: Sendable, Equatable {
    public var requirementsPath: String
    public var includedFolders: [String]

    public init(requirementsPath: String = "requirements.txt", includedFolders: [String] = []) {
        self.requirementsPath = requirementsPath
        self.includedFolders = includedFolders
    }
}
