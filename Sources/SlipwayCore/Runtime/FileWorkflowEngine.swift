import Foundation

/// Reads one kind of workflow definition (a dialect's): its steps, and whether a pipeline's
/// configuration suits it. Enough to create and check pipelines, also offline.
public protocol FileWorkflowDefinitions: Sendable {
    /// The definition's step ids, in the order they run: the steps of a new workflow.
    func stepIDs(of definition: CodePackage) throws(SlipwayError) -> [String]
    /// Refuses a pipeline configuration the definition cannot run with (a required item missing,
    /// an unknown one, a secret given as a literal).
    func validate(config: [String: FilePipeline.ConfigValue], for definition: CodePackage) throws(SlipwayError)
}

/// Runs the steps of a file workflow for one kind of workflow definition (a dialect parses its
/// definitions, resolves step inputs and starts the step programs); the core dispatches files
/// to workflows, claims them and stores their progress.
public protocol FileWorkflowEngine: FileWorkflowDefinitions {
    /// Runs the steps of `workflow` that have not finished, in order, reporting every change
    /// through `progress`, which answers false once the workflow is no longer this run's (then
    /// stop). Returns the workflow in its final state (succeeded or failed).
    func run(_ workflow: FileWorkflow, pipeline: FilePipeline, definition: CodePackage,
             progress: @escaping @Sendable (FileWorkflow) async -> Bool) async -> FileWorkflow
}
