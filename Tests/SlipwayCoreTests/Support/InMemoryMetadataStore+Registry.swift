import Foundation
@testable import SlipwayCore

/// The registry part of `ModelStore` in memory, as `SQLMetadataStore+Registry` does it.
extension InMemoryMetadataStore {
    func updateModel(_ model: Model) async throws {
        try write { state in
            guard let index = state.models.firstIndex(where: { $0.id == model.id }) else { return }
            guard !state.models.contains(where: { $0.id != model.id && $0.workspaceID == model.workspaceID && $0.name == model.name })
            else { throw Self.duplicate("models.workspace_id, models.name") }
            state.models[index].name = model.name
            state.models[index].description = model.description
            state.models[index].updatedAt = model.updatedAt
        }
    }

    func deleteModel(id: String) async throws {
        try write { state in
            let versions = Set(state.modelVersions.filter { $0.modelID == id }.map(\.id))
            for version in versions { state.modelVersionTags[version] = nil }
            state.modelVersions.removeAll { $0.modelID == id }
            state.deletedModelVersionIDs.subtract(versions)
            state.modelTags[id] = nil
            state.modelAliases[id] = nil
            state.models.removeAll { $0.id == id }
        }
    }

    func updateModelVersion(_ version: ModelVersion) async throws {
        try write { state in
            guard !state.deletedModelVersionIDs.contains(version.id),
                  let index = state.modelVersions.firstIndex(where: { $0.id == version.id }) else { return }
            state.modelVersions[index].description = version.description
            state.modelVersions[index].stage = version.stage
            state.modelVersions[index].status = version.status
            state.modelVersions[index].statusMessage = version.statusMessage
            state.modelVersions[index].updatedAt = version.updatedAt
        }
    }

    func deleteModelVersion(id: String) async throws {
        try write { state in
            state.modelVersionTags[id] = nil
            for (model, aliases) in state.modelAliases {
                state.modelAliases[model] = aliases.filter { $0.value != id }
            }
            state.deletedModelVersionIDs.insert(id)
        }
    }

    func modelVersions(workspaceID: String) async throws -> [ModelVersion] {
        read { state in
            state.modelVersions.filter { $0.workspaceID == workspaceID && !state.deletedModelVersionIDs.contains($0.id) }
                .sorted { ($0.modelID, $0.number) < ($1.modelID, $1.number) }
        }
    }

    func modelTags(modelID: String) async throws -> [String: String] {
        read { $0.modelTags[modelID] ?? [:] }
    }

    func modelTags(workspaceID: String) async throws -> [String: [String: String]] {
        read { state in
            let ids = Set(state.models.filter { $0.workspaceID == workspaceID }.map(\.id))
            return state.modelTags.filter { ids.contains($0.key) && !$0.value.isEmpty }
        }
    }

    func setModelTag(modelID: String, workspaceID: String, key: String, value: String) async throws {
        try write { $0.modelTags[modelID, default: [:]][key] = value }
    }

    func deleteModelTag(modelID: String, key: String) async throws {
        try write { _ = $0.modelTags[modelID]?.removeValue(forKey: key) }
    }

    func modelVersionTags(versionID: String) async throws -> [String: String] {
        read { $0.modelVersionTags[versionID] ?? [:] }
    }

    func modelVersionTags(workspaceID: String) async throws -> [String: [String: String]] {
        read { state in
            let ids = Set(state.modelVersions.filter { $0.workspaceID == workspaceID }.map(\.id))
            return state.modelVersionTags.filter { ids.contains($0.key) && !$0.value.isEmpty }
        }
    }

    func setModelVersionTag(versionID: String, workspaceID: String, key: String, value: String) async throws {
        try write { $0.modelVersionTags[versionID, default: [:]][key] = value }
    }

    func deleteModelVersionTag(versionID: String, key: String) async throws {
        try write { _ = $0.modelVersionTags[versionID]?.removeValue(forKey: key) }
    }

    func modelAliases(modelID: String) async throws -> [String: String] {
        read { $0.modelAliases[modelID] ?? [:] }
    }

    func modelAliases(workspaceID: String) async throws -> [String: [String: String]] {
        read { state in
            let ids = Set(state.models.filter { $0.workspaceID == workspaceID }.map(\.id))
            return state.modelAliases.filter { ids.contains($0.key) && !$0.value.isEmpty }
        }
    }

    func setModelAlias(modelID: String, workspaceID: String, alias: String, versionID: String) async throws {
        try write { $0.modelAliases[modelID, default: [:]][alias] = versionID }
    }

    func deleteModelAlias(modelID: String, alias: String) async throws {
        try write { _ = $0.modelAliases[modelID]?.removeValue(forKey: alias) }
    }
}
