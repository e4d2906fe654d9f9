import Foundation

/// A model registry on another server, reached over the network: its registered models, their
/// versions and files, and downloads. Implemented by the runtime over the registry's API.
public protocol RemoteModelRegistry: Sendable {
    /// One page of registered models.
    func registeredModels(maxResults: Int, pageToken: String?) async throws -> (models: [RemoteRegisteredModel], nextPageToken: String?)
    func modelVersion(name: String, version: String) async throws -> RemoteModelVersion
    /// Every file of the version's artifact folder, recursively.
    func artifactFiles(of version: RemoteModelVersion) async throws -> [RemoteArtifactFile]
    /// Downloads what `location` names into the empty folder `destination`: a file URL from
    /// ``artifactFiles(of:)`` (one file, kept under its name) or a model source (`models:/…`,
    /// `runs:/…`, an artifact URI: the whole folder). Refuses more than `limit` bytes in all.
    func download(_ location: String, into destination: URL, limit: Int64) async throws -> RemoteDownload
}

/// What a download brought.
public enum RemoteDownload: Sendable, Equatable {
    /// One file, `destination/<name>`.
    case file(name: String)
    /// A folder of files, `destination` itself.
    case folder(files: [String])
}

/// Opens registries by URL and token.
public protocol RemoteModelRegistryConnector: Sendable {
    func registry(url: URL, token: String?) -> any RemoteModelRegistry
}
