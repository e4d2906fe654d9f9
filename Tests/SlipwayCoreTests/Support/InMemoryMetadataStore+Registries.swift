import Foundation
@testable import SlipwayCore

/// `RegistryConnectionStore` in memory (attachments are the connection's `workspaceIDs`).
extension InMemoryMetadataStore {
    func insertRegistryConnection(_ connection: ModelRegistryConnection) async throws {
        try write { state in
            guard !state.registryConnections.contains(where: { $0.id == connection.id }) else {
                throw Self.duplicate("model_registry_connections.id")
            }
            state.registryConnections.append(connection)
        }
    }

    func registryConnection(id: String) async throws -> ModelRegistryConnection? {
        read { $0.registryConnections.first { $0.id == id } }
    }

    func registryConnections(workspaceID: String) async throws -> [ModelRegistryConnection] {
        read { state in
            state.registryConnections.filter { $0.workspaceIDs.contains(workspaceID) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    func attachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws {
        try write { state in
            guard let index = state.registryConnections.firstIndex(where: { $0.id == id }) else { return }
            var connection = state.registryConnections[index]
            connection.workspaceIDs = Array(Set(connection.workspaceIDs + [workspaceID])).sorted()
            connection.updatedAt = time
            state.registryConnections[index] = connection
        }
    }

    func detachRegistryConnection(id: String, workspaceID: String, at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.registryConnections.firstIndex(where: { $0.id == id }),
                  state.registryConnections[index].workspaceIDs.contains(workspaceID) else { return false }
            state.registryConnections[index].workspaceIDs.removeAll { $0 == workspaceID }
            state.registryConnections[index].updatedAt = time
            return true
        }
    }
}
