import Foundation

/// What the registry and the asset catalog read of the tracking store, implemented by the
/// tracking service: a run's summary, and where runs and logged models keep their artifacts.
/// Artifact paths are relative to the workspace's artifact root (the artifact service keeps
/// the file `<path>` of workspace W under blob key `artifacts/<W>/<path>`).
public protocol TrackedRunReading: Sendable {
    /// Run `id` of `workspaceID`, nil when the workspace has no such run.
    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary?
    /// The artifact folder of logged model `id` (`<experiment>/models/<id>/artifacts`), nil
    /// when the workspace has no such model.
    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String?
}
