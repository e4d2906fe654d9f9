import Foundation
@testable import SlipwayCore

/// `ModelStore`, `ServingStore`, `InferenceStore` and `NumberingStore` in memory, with the SQL
/// backends' constraints and orders.
extension InMemoryMetadataStore {
    func insertModel(_ model: Model) async throws {
        try write { state in
            guard !state.models.contains(where: { $0.id == model.id }) else { throw Self.duplicate("models.id") }
            guard !state.models.contains(where: { $0.workspaceID == model.workspaceID && $0.name == model.name }) else {
                throw Self.duplicate("models.workspace_id, models.name")
            }
            state.models.append(model)
        }
    }

    func model(id: String) async throws -> Model? {
        read { $0.models.first { $0.id == id } }
    }

    func model(workspaceID: String, name: String) async throws -> Model? {
        read { $0.models.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func listModels(workspaceID: String) async throws -> [Model] {
        read { Array(Self.byCreation($0.models.filter { $0.workspaceID == workspaceID }, \.createdAt).reversed()) }
    }

    func insertModelVersion(_ version: ModelVersion) async throws -> ModelVersion {
        try write { state in
            guard !state.modelVersions.contains(where: { $0.id == version.id }) else { throw Self.duplicate("model_versions.id") }
            var stored = version
            stored.number = (state.modelVersions.filter { $0.modelID == version.modelID }.map(\.number).max() ?? 0) + 1
            state.modelVersions.append(stored)
            if let index = state.models.firstIndex(where: { $0.id == version.modelID }) {
                state.models[index].updatedAt = version.createdAt
            }
            return stored
        }
    }

    func modelVersion(id: String) async throws -> ModelVersion? {
        read { state in state.modelVersions.first { $0.id == id && !state.deletedModelVersionIDs.contains($0.id) } }
    }

    func modelVersions(modelID: String) async throws -> [ModelVersion] {
        read { state in
            state.modelVersions.filter { $0.modelID == modelID && !state.deletedModelVersionIDs.contains($0.id) }
                .sorted { $0.number < $1.number }
        }
    }

    func updateModelVersionStatus(id: String, status: ModelVersionStatus, message: String?) async throws {
        try write { state in
            guard let index = state.modelVersions.firstIndex(where: { $0.id == id }) else { return }
            state.modelVersions[index].status = status
            state.modelVersions[index].statusMessage = message
        }
    }

    func insertPipelineVersion(_ version: PipelineVersion) async throws {
        try write { state in
            guard !state.pipelineVersions.contains(where: { $0.id == version.id }) else {
                throw Self.duplicate("pipeline_versions.id")
            }
            state.pipelineVersions.append(version)
            if let index = state.pipelines.firstIndex(where: { $0.id == version.pipelineID }) {
                state.pipelines[index].graph = version.graph
            }
        }
    }

    func pipelineVersion(id: String) async throws -> PipelineVersion? {
        read { $0.pipelineVersions.first { $0.id == id } }
    }

    func pipelineVersions(pipelineID: String) async throws -> [PipelineVersion] {
        read { Self.byCreation($0.pipelineVersions.filter { $0.pipelineID == pipelineID }, \.createdAt) }
    }

    func pipeline(id: String) async throws -> Pipeline? {
        read { $0.pipelines.first { $0.id == id } }
    }

    func insertModelDeployment(_ deployment: ModelDeployment) async throws {
        try write { state in
            guard !state.modelDeployments.contains(where: { $0.id == deployment.id }) else {
                throw Self.duplicate("model_deployments.id")
            }
            guard !state.modelDeployments.contains(where: {
                $0.workspaceID == deployment.workspaceID && $0.name == deployment.name
            }) else { throw Self.duplicate("model_deployments.workspace_id, model_deployments.name") }
            state.modelDeployments.append(deployment)
        }
    }

    func updateModelDeployment(_ deployment: ModelDeployment) async throws {
        try write { state in
            guard let index = state.modelDeployments.firstIndex(where: { $0.id == deployment.id }) else { return }
            var updated = deployment
            updated.name = state.modelDeployments[index].name
            updated.workspaceID = state.modelDeployments[index].workspaceID
            updated.createdAt = state.modelDeployments[index].createdAt
            updated.createdBy = state.modelDeployments[index].createdBy
            state.modelDeployments[index] = updated
        }
    }

    func modelDeployment(id: String) async throws -> ModelDeployment? {
        read { $0.modelDeployments.first { $0.id == id } }
    }

    func modelDeployment(workspaceID: String, name: String) async throws -> ModelDeployment? {
        read { $0.modelDeployments.first { $0.workspaceID == workspaceID && $0.name == name } }
    }

    func modelDeployments(pipelineID: String) async throws -> [ModelDeployment] {
        read { Self.byCreation($0.modelDeployments.filter { $0.pipelineID == pipelineID }, \.createdAt) }
    }

    func activeModelDeployments() async throws -> [ModelDeployment] {
        read { Self.byCreation($0.modelDeployments.filter { $0.status != .stopped }, \.createdAt) }
    }

    func appendInferenceRecords(_ records: [InferenceRecord]) async throws {
        try injected(.appendInferenceRecords)
        try write { state in
            var ids = Set(state.inferenceRecords.map(\.id))
            for record in records {
                guard ids.insert(record.id).inserted else { throw Self.duplicate("inference_records.id") }
            }
            state.inferenceRecords += records
        }
    }

    func inferenceRecords(_ query: InferenceRecordQuery) async throws -> InferenceRecordQuery.Page {
        read { query.page(of: $0.inferenceRecords.filter { !$0.isShadow }) }
    }

    func shadowRecords(of recordIDs: [String]) async throws -> [InferenceRecord] {
        let wanted = Set(recordIDs)
        return read { state in
            state.inferenceRecords.filter { $0.shadowOf.map(wanted.contains) ?? false }.sorted { Self.precedes($0.id, $1.id) }
        }
    }

    func number(of kind: NumberedKind, id: String) async throws -> Int64 {
        try write { state in
            var numbers = state.numbers[kind] ?? [:]
            if let existing = numbers[id] { return existing }
            let next = (numbers.values.max() ?? 0) + 1
            numbers[id] = next
            state.numbers[kind] = numbers
            return next
        }
    }

    func assignedNumbers(of kind: NumberedKind, ids: [String]) async throws -> [String: Int64] {
        read { state in (state.numbers[kind] ?? [:]).filter { ids.contains($0.key) } }
    }

    func objectID(of kind: NumberedKind, number: Int64) async throws -> String? {
        read { state in (state.numbers[kind] ?? [:]).first { $0.value == number }?.key }
    }
}
