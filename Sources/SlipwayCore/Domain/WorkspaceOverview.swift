import Foundation

/// A workspace with the numbers of what it holds, for listings.
public struct WorkspaceOverview: Sendable, Equatable {
    public var workspace: Workspace
    /// Numbers of its models, ascending.
    public var modelNumbers: [Int]
    /// Numbers of its model pipelines, ascending.
    public var pipelineNumbers: [Int]

    public init(workspace: Workspace, modelNumbers: [Int] = [], pipelineNumbers: [Int] = []) {
        self.workspace = workspace
        self.modelNumbers = modelNumbers
        self.pipelineNumbers = pipelineNumbers
    }
}
