import Foundation

@testable import SlipwayCore

/// `TrackedRunReading` with a fixed set of runs and logged models over a real `ArtifactService`.
struct FixedTrackedRuns: TrackedRunReading {
    var runs: [String: TrackedRunSummary] = [:]
    var loggedModels: [String: String] = [:]
    let artifacts: ArtifactService

    func runSummary(id: String, workspaceID: String) async throws -> TrackedRunSummary? { runs[id] }

    func loggedModelArtifactPath(id: String, workspaceID: String) async throws -> String? { loggedModels[id] }

    func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        try await artifacts.artifactFiles(under: path, workspaceID: workspaceID)
    }

    func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        try await artifacts.artifactFile(path, workspaceID: workspaceID, limit: limit)
    }

    static func run(_ id: String, experiment: String = "1") -> TrackedRunSummary {
        TrackedRunSummary(runID: id, experimentID: experiment, experimentName: "e", name: id, status: "FINISHED",
                          startTime: Date(), endTime: nil, userID: "u", params: [:], metrics: [:], tags: [:],
                          artifactPath: "\(experiment)/\(id)/artifacts")
    }
}

/// Chunks of a byte string, as an upload arrives.
func chunks(_ data: Data, size: Int = 7) -> AsyncThrowingStream<Data, any Error> {
    AsyncThrowingStream { continuation in
        var offset = 0
        while offset < data.count {
            continuation.yield(data.subdata(in: offset..<min(data.count, offset + size)))
            offset += size
        }
        continuation.finish()
    }
}

func collect(_ content: BlobContent?) async throws -> Data? {
    guard let content else { return nil }
    var data = Data()
    for try await chunk in content.chunks { data.append(chunk) }
    return data
}
