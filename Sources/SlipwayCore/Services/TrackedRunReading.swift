import Foundation

/// What the registry, the model importers and the asset catalog read of a tracking store:
/// a run's summary, where runs and logged models keep their artifacts, and those artifacts.
/// Implemented over Slipway's own tracking and artifact services, and over a remote tracking
/// server's REST API. Artifact paths are relative to the workspace's artifact root, with `/`
/// separators (Slipway's artifact service keeps file `<path>` of workspace W under blob key
/// `artifacts/<W>/<path>`).
public protocol TrackedRunReading: Sendable {
    /// Run `id` of `workspaceID`, nil when the workspace has no such run.
    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary?
    /// The artifact folder of logged model `id` (`<experiment>/models/<id>/artifacts`), nil
    /// when the workspace has no such model.
    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String?
    /// Every file under artifact folder `path`, recursively, as paths relative to `path`
    /// (empty when there is none).
    func artifactFiles(under path: String, workspaceID: String) async throws -> [String]
    /// The bytes of artifact file `path`, nil when there is no such file; a file larger than
    /// `limit` bytes is an error (payload too large).
    func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data?
}
