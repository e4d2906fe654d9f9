import Foundation

/// The half of `TrackedRunReading` that tracking answers: run summaries and where logged
/// models keep their artifacts. The artifact files themselves are the artifact service's; a
/// type conforming to `TrackedRunReading` combines both (see `TrackedRunMetadataReading`).
public protocol TrackedRunMetadataReading: Sendable {
    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary?
    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String?
}

extension TrackingService: TrackedRunMetadataReading {
    public func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? {
        let run: TrackedRun
        do {
            run = try await self.run(workspaceID: workspaceID, id: id)
        } catch let error as SlipwayError where error.kind == .notFound {
            return nil
        }
        let experiment = try? await experiment(workspaceID: workspaceID, id: run.experimentID)
        var metrics: [String: Double] = [:]
        for metric in run.metrics { metrics[metric.key] = metric.value }
        return TrackedRunSummary(
            runID: run.id, experimentID: run.experimentID, experimentName: experiment?.name ?? run.experimentID,
            name: run.name, status: run.status.rawValue, startTime: Date(timeIntervalSince1970: Double(run.startTime) / 1000),
            endTime: run.endTime.map { Date(timeIntervalSince1970: Double($0) / 1000) }, userID: run.userID,
            params: run.params, metrics: metrics, tags: run.tags, artifactPath: run.artifactPath)
    }

    public func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? {
        guard let model = try await store.loggedModel(workspaceID: workspaceID, id: id) else { return nil }
        return model.artifactPath
    }
}
