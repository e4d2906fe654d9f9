import Foundation

/// Connections to model registries on other servers: created in a workspace, attached to
/// others, browsed, and imported from. A connection is visible to members of a workspace it is
/// attached to (and to administrators); its token is sealed at rest and only ever leaves the
/// server towards the registry itself.
public struct RegistryConnectionService: Sendable {
    let platform: Platform
    let models: ModelRegistryService

    public init(platform: Platform, models: ModelRegistryService) {
        self.platform = platform
        self.models = models
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

    /// Imports what `location` names in the registry (one of a version's files, or a model
    /// source) as the next version of model `upload.name`: the file is checked as an upload of
    /// `upload.framework` would be. `upload.fileName` is ignored (the file keeps its name).
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
        case .folder:
            throw SlipwayError.badRequest(
                "'\(NameRules.printable(location))' is a model folder; name one of its files (as listed by the version's artifacts)")
        }
    }

    /// An `http` or `https` URL with a host and no credentials.
    static func validatedURL(_ text: String) throws(SlipwayError) -> URL {
        guard text.utf8.count <= ModelRegistryConnection.maximumURLBytes, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty, let url = components.url else {
            throw .badRequest("the registry URL must be an http or https URL")
        }
        guard components.user == nil, components.password == nil else {
            throw .badRequest("the registry URL must not carry credentials: pass the token in 'token'")
        }
        return url
    }
}
