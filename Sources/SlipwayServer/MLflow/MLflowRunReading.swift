import Foundation
import SlipwayCore

/// `TrackedRunReading` for the MLflow dialect on a build without the tracking service: its
/// artifact half is the artifact service's; it knows no runs and no logged models (so
/// `runs:/…` and `models:/m-…` sources are not found). When tracking is present, the one
/// conformance that combines the tracking service's run half with `ArtifactService`'s
/// artifact half replaces this type.
struct MLflowRunReading: TrackedRunReading {
    let artifacts: ArtifactService

    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? { nil }

    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? { nil }

    func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        try await artifacts.artifactFiles(under: path, workspaceID: workspaceID)
    }

    func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        try await artifacts.artifactFile(path, workspaceID: workspaceID, limit: limit)
    }
}
