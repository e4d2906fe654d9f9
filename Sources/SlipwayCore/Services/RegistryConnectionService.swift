import Foundation

/// Connections to model registries on other servers: created in a workspace, attached to
/// others, browsed, and imported from. A connection is visible to members of a workspace it is
/// attached to (and to administrators); its token is sealed at rest and only ever leaves the
/// server towards the registry itself.
public struct RegistryConnectionService: Sendable {
    let platform: Platform
    let models: ModelRegistryService
    let artifacts: ArtifactService
    let folders: ModelFolderImporter

    public init(platform: Platform, models: ModelRegistryService, artifacts: ArtifactService, folders: ModelFolderImporter) {
        self.platform = platform
        self.models = models
        self.artifacts = artifacts
        self.folders = folders
    }

    /// Largest token accepted.
    public static let maximumTokenBytes = 4096

    public func create(name: String, url text: String, token: String?, in workspace: Workspace,
                       by user: User) async throws -> ModelRegistryConnection {
        guard NameRules.isPrintableLabel(name, maximumBytes: ModelRegistryConnection.maximumNameBytes) else {
            throw SlipwayError.badRequest("the registry name must be 1 to \(ModelRegistryConnection.maximumNameBytes) characters without control characters")
        }
        let url = try Self.validatedURL(text)
        let token = token?.trimmingCharacters(in: .whitespaces)
        if let token, !token.isEmpty {
            guard token.utf8.count <= Self.maximumTokenBytes, !token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw SlipwayError.badRequest("the registry token must be at most \(Self.maximumTokenBytes) bytes without control characters")
            }
        }
        let now = platform.now()
        let connection = ModelRegistryConnection(
            id: UUID().uuidString.lowercased(), name: name, url: url,
            sealedToken: try token.flatMap { $0.isEmpty ? nil : try platform.sealer.seal($0) },
            createdBy: user.id, createdAt: now, updatedAt: now, workspaceIDs: [workspace.id])
        try await platform.store.insertRegistryConnection(connection)
        return connection
    }

    /// The connection, when `user` may see it; else not found (a foreign id reveals nothing).
    public func connection(id: String, visibleTo user: User) async throws -> ModelRegistryConnection {
        guard UUID(uuidString: id) != nil, let connection = try await platform.store.registryConnection(id: id) else {
            throw SlipwayError.notFound("registry", NameRules.printable(id))
        }
        if user.isAdministrator { return connection }
        for workspaceID in connection.workspaceIDs where try await platform.store.isMember(userID: user.id, workspaceID: workspaceID) {
            return connection
        }
        throw SlipwayError.notFound("registry", id)
    }

    /// The connections attached to the workspace (the caller checked membership).
    public func connections(in workspace: Workspace) async throws -> [ModelRegistryConnection] {
        try await platform.store.registryConnections(workspaceID: workspace.id)
    }

    public func attach(_ connection: ModelRegistryConnection, to workspace: Workspace) async throws -> ModelRegistryConnection {
        try await platform.store.attachRegistryConnection(id: connection.id, workspaceID: workspace.id, at: platform.now())
        return try await platform.store.registryConnection(id: connection.id) ?? connection
    }

    /// Detaches the connection from the workspace; not attached there is a 404.
    public func detach(_ connection: ModelRegistryConnection, from workspace: Workspace) async throws {
        guard try await platform.store.detachRegistryConnection(id: connection.id, workspaceID: workspace.id, at: platform.now()) else {
            throw SlipwayError(.notFound, "registry '\(connection.id)' is not attached to workspace '\(workspace.name)'")
        }
    }

    /// The token in clear, for the registry's own requests only.
    func token(of connection: ModelRegistryConnection) throws -> String? {
        guard let sealed = connection.sealedToken else { return nil }
        guard let token = platform.sealer.open(sealed) else {
            throw SlipwayError.internal("the token of registry '\(connection.id)' cannot be unsealed with this server's key")
        }
        return token
    }

    /// The registry behind the connection.
    public func registry(_ connection: ModelRegistryConnection) throws -> any RemoteModelRegistry {
        guard let connector = platform.remoteRegistries else {
            throw SlipwayError(.unavailable, "this server is not set up to reach model registries")
        }
        return connector.registry(url: connection.url, token: try token(of: connection))
    }

    public func registeredModels(_ connection: ModelRegistryConnection, maxResults: Int = 1000,
                                 pageToken: String? = nil) async throws -> (models: [RemoteRegisteredModel], nextPageToken: String?) {
        try await registry(connection).registeredModels(maxResults: maxResults, pageToken: pageToken)
    }

    public func artifactFiles(_ connection: ModelRegistryConnection, name: String, version: String) async throws -> [RemoteArtifactFile] {
        let registry = try registry(connection)
        return try await registry.artifactFiles(of: try await registry.modelVersion(name: name, version: version))
    }

    /// Imports what `location` names in the registry as the next version of model
    /// `upload.name`: one of a version's files is checked as an upload of `upload.framework`
    /// would be (`upload.fileName` is ignored: the file keeps its name); a model source (a
    /// whole MLflow model folder) is registered as a folder snapshot, its framework and runtime
    /// facts read from its `MLmodel` (the folder passes through a staging folder of the
    /// workspace's artifact tree, removed afterwards).
    public func importModel(from connection: ModelRegistryConnection, location: String,
                            as upload: ModelUpload) async throws -> ModelVersion {
        try Model.validateName(upload.name)
        guard !location.isEmpty, location.utf8.count <= ModelRegistryConnection.maximumURLBytes else {
            throw SlipwayError.badRequest("'path' must name a model file or source of the registry")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("registry-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let downloaded = try await registry(connection).download(location, into: folder, limit: platform.limits.maxModelBytes)
        switch downloaded {
        case .file(let name):
            var fileUpload = upload
            fileUpload.fileName = name
            return try await models.upload(fileUpload, file: folder.appendingPathComponent(name))
        case .folder(let files):
            let staging = "_registry-imports/\(UUID().uuidString.lowercased())"
            let stagingPath = try ArtifactPath(staging)
            do {
                // An upload creates its model on the first version, as every upload does.
                if try await platform.store.model(workspaceID: upload.workspaceID, name: upload.name) == nil {
                    _ = try await models.createRegisteredModel(workspaceID: upload.workspaceID, userID: upload.userID,
                                                               name: upload.name, description: nil, tags: [])
                }
                for file in files {
                    try await artifacts.upload(try ArtifactPath(staging + "/" + file), workspaceID: upload.workspaceID,
                                               content: Self.chunks(of: folder.appendingPathComponent(file)))
                }
                let registered = try await folders.registerVersion(FolderVersionRequest(
                    workspaceID: upload.workspaceID, userID: upload.userID, modelName: upload.name, source: staging,
                    description: "imported from registry '\(connection.name)': \(NameRules.printable(location, limit: 500))"))
                try? await artifacts.delete(stagingPath, workspaceID: upload.workspaceID)
                guard registered.version.status == .ready else {
                    throw SlipwayError.badRequest(registered.version.statusMessage ?? "the model folder cannot be registered")
                }
                return registered.version
            } catch {
                try? await artifacts.delete(stagingPath, workspaceID: upload.workspaceID)
                throw error
            }
        }
    }

    /// The file's bytes in chunks of 1 MiB.
    static func chunks(of file: URL) -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { continuation in
            do {
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { continuation.yield(chunk) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    /// An `http` or `https` URL with a host and no credentials (pass the token in `token`).
    static func validatedURL(_ text: String) throws(SlipwayError) -> URL {
        try NameRules.httpURL(text, what: "the registry URL")
    }
}
