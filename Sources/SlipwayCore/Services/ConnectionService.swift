import Foundation

/// Connections to external systems: created by a user (attached nowhere yet), attached to and
/// detached from workspaces, listed per workspace, read, deleted once attached nowhere. Their
/// details are sealed at rest and shown masked; the clear details (secret references resolved)
/// go only to the code of a workspace the connection is attached to.
///
/// A connection is visible to administrators, to the user who created it and to members of a
/// workspace it is attached to; to anyone else it does not exist (not found).
public struct ConnectionService: Sendable {
    let store: any MetadataStore
    let sealer: SecretSealer
    let secrets: SecretService
    let now: @Sendable () -> Date

    public init(platform: Platform, secrets: SecretService) {
        store = platform.store
        sealer = platform.sealer
        self.secrets = secrets
        now = platform.now
    }

    /// Creates the connection; its name must be free on the server.
    public func create(name: String, type text: String, details: JSONValue, by user: User) async throws -> Connection {
        try Connection.validateName(name)
        guard let type = ConnectionType(rawValue: text) else {
            throw SlipwayError.badRequest("the connection type must be 1 to \(ConnectionType.maximumRawValueBytes) "
                + "characters without control characters")
        }
        try Connection.validateDetails(details)
        guard try await store.connection(named: name) == nil else {
            throw SlipwayError.conflict("connection '\(name)' already exists")
        }
        let id = UUID().uuidString.lowercased()
        let time = now()
        let connection = Connection(
            id: id, name: name, type: type,
            sealedDetails: try sealer.seal(details.jsonString(), boundTo: Connection.sealingContext(id: id)),
            keyID: sealer.keyID, createdBy: user.id, createdAt: time)
        do {
            try await store.insertConnection(connection)
        } catch {
            // Two creations of one name at once: the store's uniqueness refused the second.
            if try await store.connection(named: name) != nil {
                throw SlipwayError.conflict("connection '\(name)' already exists")
            }
            throw error
        }
        return connection
    }

    public func connection(id: String, visibleTo user: User) async throws -> Connection {
        guard UUID(uuidString: id) != nil, let connection = try await store.connection(id: id),
              try await isVisible(connection, to: user) else {
            throw SlipwayError.notFound("connection", NameRules.printable(id))
        }
        return connection
    }

    public func connection(named name: String, visibleTo user: User) async throws -> Connection {
        guard let connection = try await store.connection(named: name), try await isVisible(connection, to: user) else {
            throw SlipwayError.notFound("connection", NameRules.printable(name))
        }
        return connection
    }

    /// The connections attached to the workspace (the caller checked membership), oldest first.
    public func connections(in workspace: Workspace) async throws -> [Connection] {
        try await store.connections(workspaceID: workspace.id)
    }

    /// Attaches the connection to the workspace (the caller checked membership); returns the
    /// attachment's id (the same one when it was attached already).
    public func attach(_ connection: Connection, to workspace: Workspace) async throws -> String {
        try await store.attachConnection(id: connection.id, workspaceID: workspace.id,
                                         attachmentID: UUID().uuidString.lowercased(), at: now())
    }

    /// Detaches it from the workspace; not attached there is a 404.
    public func detach(_ connection: Connection, from workspace: Workspace) async throws {
        guard try await store.detachConnection(id: connection.id, workspaceID: workspace.id, at: now()) else {
            throw SlipwayError(.notFound, "connection '\(connection.name)' is not attached to workspace '\(workspace.name)'")
        }
    }

    /// Deletes the connection; refused (conflict) while a workspace has it attached.
    public func delete(_ connection: Connection) async throws {
        guard try await store.deleteConnection(id: connection.id) else {
            if try await store.connection(id: connection.id) == nil {
                throw SlipwayError.notFound("connection", connection.name)
            }
            throw SlipwayError.conflict("connection '\(connection.name)' is still attached to a workspace: "
                + "remove it from every workspace first")
        }
    }

    /// The details as shown to users: masked (``Connection/masked(_:)``).
    public func maskedDetails(of connection: Connection) throws -> JSONValue {
        Connection.masked(try openedDetails(of: connection))
    }

    /// The clear details with their secret references resolved from `workspace`'s secrets, for
    /// the execution or task of that workspace that reads the connection: refused (forbidden)
    /// when the connection is not attached there. Never log, return or record the result.
    public func resolvedDetails(of connection: Connection, in workspace: Workspace) async throws -> JSONValue {
        guard connection.workspaceIDs.contains(workspace.id) else {
            throw SlipwayError.forbidden("connection '\(connection.name)' is not attached to workspace '\(workspace.name)'")
        }
        return try await secrets.resolveReferences(in: try openedDetails(of: connection), workspaceID: workspace.id)
    }

    private func openedDetails(of connection: Connection) throws -> JSONValue {
        guard connection.keyID == sealer.keyID,
              let text = sealer.open(connection.sealedDetails, boundTo: Connection.sealingContext(id: connection.id)),
              let details = try? JSONValue.parse(text) else {
            throw SlipwayError.internal("the details of connection '\(connection.name)' cannot be unsealed with this server's key")
        }
        return details
    }

    private func isVisible(_ connection: Connection, to user: User) async throws -> Bool {
        if user.isAdministrator || connection.createdBy == user.id { return true }
        for workspaceID in connection.workspaceIDs where try await store.isMember(userID: user.id, workspaceID: workspaceID) {
            return true
        }
        return false
    }
}
