import Foundation
@testable import SlipwayCore

/// One row of `connection_workspaces`.
struct ConnectionAttachment: Sendable, Equatable {
    var id: String
    var connectionID: String
    var workspaceID: String
    var attachedAt: Date
}

/// `SharedSettingStore` and `ConnectionStore` in memory, as the SQL store does them: puts keep
/// the row's id and creation time and count the version; names compare as bytes.
extension InMemoryMetadataStore {
    func putSharedSetting(_ setting: SharedSetting) async throws -> SharedSetting {
        try write { state in
            if let index = state.sharedSettings.firstIndex(where: { $0.workspaceID == setting.workspaceID && $0.name == setting.name }) {
                var stored = state.sharedSettings[index]
                stored.value = setting.value
                stored.version += 1
                stored.updatedBy = setting.updatedBy
                stored.updatedAt = setting.updatedAt
                state.sharedSettings[index] = stored
                return stored
            }
            guard !state.sharedSettings.contains(where: { $0.id == setting.id }) else { throw Self.duplicate("shared_settings.id") }
            var stored = setting
            stored.version = 1
            state.sharedSettings.append(stored)
            return stored
        }
    }

    func sharedSetting(workspaceID: String, name: String) async throws -> SharedSetting? {
        read { $0.sharedSettings.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func sharedSettings(workspaceID: String) async throws -> [SharedSetting] {
        read { $0.sharedSettings.filter { $0.workspaceID == workspaceID }.sorted { Self.precedes($0.name, $1.name) } }
    }

    func deleteSharedSetting(workspaceID: String, name: String) async throws -> Bool {
        try write { state in
            let before = state.sharedSettings.count
            state.sharedSettings.removeAll { $0.workspaceID == workspaceID && $0.name == name }
            return state.sharedSettings.count < before
        }
    }

    func putSecret(_ secret: Secret) async throws -> Secret {
        try write { state in
            if let index = state.secrets.firstIndex(where: { $0.workspaceID == secret.workspaceID && $0.name == secret.name }) {
                var stored = state.secrets[index]
                stored.sealedValue = secret.sealedValue
                stored.keyID = secret.keyID
                stored.version += 1
                stored.updatedBy = secret.updatedBy
                stored.updatedAt = secret.updatedAt
                state.secrets[index] = stored
                return stored
            }
            guard !state.secrets.contains(where: { $0.id == secret.id }) else { throw Self.duplicate("secrets.id") }
            var stored = secret
            stored.version = 1
            state.secrets.append(stored)
            return stored
        }
    }

    func secret(workspaceID: String, name: String) async throws -> Secret? {
        read { $0.secrets.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func secrets(workspaceID: String) async throws -> [Secret] {
        read { $0.secrets.filter { $0.workspaceID == workspaceID }.sorted { Self.precedes($0.name, $1.name) } }
    }

    func deleteSecret(workspaceID: String, name: String) async throws -> Bool {
        try write { state in
            let before = state.secrets.count
            state.secrets.removeAll { $0.workspaceID == workspaceID && $0.name == name }
            return state.secrets.count < before
        }
    }

    func insertConnection(_ connection: Connection) async throws {
        try write { state in
            guard !state.connections.contains(where: { $0.id == connection.id || $0.name == connection.name }) else {
                throw SlipwayError.conflict("connection '\(connection.name)' already exists")
            }
            var stored = connection
            stored.workspaceIDs = []
            state.connections.append(stored)
            for workspaceID in connection.workspaceIDs {
                state.connectionAttachments.append(ConnectionAttachment(
                    id: UUID().uuidString.lowercased(), connectionID: connection.id, workspaceID: workspaceID,
                    attachedAt: connection.createdAt))
            }
        }
    }

    func connection(id: String) async throws -> Connection? {
        read { state in state.connections.first { $0.id == id }.map { Self.attached($0, in: state) } }
    }

    func connection(named name: String) async throws -> Connection? {
        read { state in state.connections.first { $0.name == name }.map { Self.attached($0, in: state) } }
    }

    func connections(workspaceID: String) async throws -> [Connection] {
        read { state in
            let ids = Set(state.connectionAttachments.filter { $0.workspaceID == workspaceID }.map(\.connectionID))
            return state.connections.filter { ids.contains($0.id) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { Self.attached($0, in: state) }
        }
    }

    func attachConnection(id: String, workspaceID: String, attachmentID: String, at time: Date) async throws -> String {
        try write { state in
            guard let index = state.connections.firstIndex(where: { $0.id == id }) else {
                throw SlipwayError.notFound("connection", id)
            }
            state.connections[index].updatedAt = time
            if let existing = state.connectionAttachments.first(where: { $0.connectionID == id && $0.workspaceID == workspaceID }) {
                return existing.id
            }
            state.connectionAttachments.append(ConnectionAttachment(id: attachmentID, connectionID: id, workspaceID: workspaceID,
                                                                    attachedAt: time))
            return attachmentID
        }
    }

    func detachConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool {
        try write { state in
            let before = state.connectionAttachments.count
            state.connectionAttachments.removeAll { $0.connectionID == id && $0.workspaceID == workspaceID }
            guard state.connectionAttachments.count < before else { return false }
            if let index = state.connections.firstIndex(where: { $0.id == id }) { state.connections[index].updatedAt = time }
            return true
        }
    }

    func deleteConnection(id: String) async throws -> Bool {
        try write { state in
            guard state.connections.contains(where: { $0.id == id }),
                  !state.connectionAttachments.contains(where: { $0.connectionID == id }) else { return false }
            state.connections.removeAll { $0.id == id }
            return true
        }
    }

    /// The connection with the workspaces its attachments name.
    private static func attached(_ connection: Connection, in state: State) -> Connection {
        var connection = connection
        connection.workspaceIDs = Array(Set(state.connectionAttachments.filter { $0.connectionID == connection.id }
            .map(\.workspaceID))).sorted()
        return connection
    }
}
