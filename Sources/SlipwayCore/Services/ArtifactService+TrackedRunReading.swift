import Foundation

/// The artifact half of `TrackedRunReading` (the run half is the tracking service's; one
/// conformance combines both).
extension ArtifactService {
    /// Every file under artifact folder `path`, recursively, relative to it (empty when none).
    public func artifactFiles(under path: String, workspaceID: String) async throws -> [String] {
        try await files(under: ArtifactPath(path, allowRoot: true), workspaceID: workspaceID).map(\.path)
    }

    /// The bytes of artifact file `path`, nil when there is none; over `limit` bytes is an error.
    public func artifactFile(_ path: String, workspaceID: String, limit: Int) async throws -> Data? {
        guard let content = try await download(ArtifactPath(path), workspaceID: workspaceID) else { return nil }
        guard content.size <= Int64(limit) else {
            throw SlipwayError.tooLarge("artifact '\(NameRules.printable(path))' is larger than \(limit) bytes")
        }
        var data = Data()
        for try await chunk in content.chunks {
            data.append(chunk)
            guard data.count <= limit else {
                throw SlipwayError.tooLarge("artifact '\(NameRules.printable(path))' is larger than \(limit) bytes")
            }
        }
        return data
    }
}
