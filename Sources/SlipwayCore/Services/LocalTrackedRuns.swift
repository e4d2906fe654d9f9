import Foundation

/// `TrackedRunReading` over this server: runs and logged models from the tracking service,
/// their files from the artifact service.
public struct LocalTrackedRuns: TrackedRunReading {
    let tracking: any TrackedRunMetadataReading
    let artifacts: ArtifactService

    public init(tracking: any TrackedRunMetadataReading, artifacts: ArtifactService) {
        self.tracking = tracking
        self.artifacts = artifacts
    }

    public func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? {
        try await tracking.runSummary(id: id, workspaceID: workspaceID)
    }

    public func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? {
        try await tracking.loggedModelArtifactPath(id: id, workspaceID: workspaceID)
    }

    public func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        try await artifacts.artifactFiles(under: path, workspaceID: workspaceID)
    }

    public func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        try await artifacts.artifactFile(path, workspaceID: workspaceID, limit: limit)
    }
}
