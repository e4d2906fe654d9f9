import Foundation

/// File pipelines and their workflows. A workflow is unique per (pipeline, file path, file
/// version), so a file noticed twice (on write and by a scan, or on two nodes) runs once.
public protocol FilePipelineStore: Sendable {
    /// Stores a pipeline; throws a conflict when the workspace has one of that name.
    func insertFilePipeline(_ pipeline: FilePipeline) async throws
    func filePipeline(id: String) async throws -> FilePipeline?
    /// The workspace's pipelines, by name.
    func filePipelines(workspaceID: String) async throws -> [FilePipeline]
    /// Every enabled pipeline, of one workspace or of all.
    func enabledFilePipelines(workspaceID: String?) async throws -> [FilePipeline]
    /// Replaces a pipeline; false when it is gone. Throws a conflict on a taken name.
    func updateFilePipeline(_ pipeline: FilePipeline) async throws -> Bool
    /// Deletes a pipeline and its workflows; false when it is gone.
    func deleteFilePipeline(id: String) async throws -> Bool

    /// Stores a new workflow; false (storing nothing) when its pipeline already has one for that
    /// file version.
    func insertFileWorkflow(_ workflow: FileWorkflow) async throws -> Bool
    func fileWorkflow(id: String) async throws -> FileWorkflow?
    /// Newest first.
    func fileWorkflows(_ query: FileWorkflowQuery) async throws -> [FileWorkflow]
    /// The file versions (`path` + "\n" + `version`) among `paths` the pipeline has workflows for.
    func fileWorkflowVersions(pipelineID: String, paths: [String]) async throws -> Set<String>
    /// Takes a workflow to run it: one that is pending, or running with an expired claim
    /// (its node died), or with any claim when `takeOver` (its holder is known to be gone). Sets
    /// it running under `token` until `until` and counts the attempt; nil when it is not available.
    func claimFileWorkflow(id: String, token: String, until: Date, now: Date, takeOver: Bool) async throws -> FileWorkflow?
    /// Saves the progress of a claimed workflow; false when the claim is no longer `token`'s.
    func saveFileWorkflow(_ workflow: FileWorkflow, claimToken: String) async throws -> Bool
    /// Extends a claim that is still `token`'s; false otherwise.
    func extendFileWorkflowClaim(id: String, token: String, until: Date) async throws -> Bool
    /// Workflows to take up: pending ones, and running ones whose claim expired before `now`.
    func availableFileWorkflows(now: Date, limit: Int) async throws -> [FileWorkflow]
    /// Puts a failed workflow back to pending with its steps reset; false unless it was failed.
    func requeueFileWorkflow(id: String, steps: [FileWorkflowStep], at time: Date) async throws -> Bool
}

extension FilePipelineStore {
    public func claimFileWorkflow(id: String, token: String, until: Date, now: Date) async throws -> FileWorkflow? {
        try await claimFileWorkflow(id: id, token: token, until: until, now: now, takeOver: false)
    }
}
