import Foundation
@testable import SlipwayCore

/// `FilePipelineStore` in memory, as the SQL store does it: names unique per workspace, one
/// workflow per (pipeline, path, version), compare-and-set claims.
extension InMemoryMetadataStore {
    func insertFilePipeline(_ pipeline: FilePipeline) async throws {
        try write { state in
            guard !state.filePipelines.contains(where: { $0.workspaceID == pipeline.workspaceID && $0.name == pipeline.name }) else {
                throw SlipwayError.conflict("a pipeline named '\(pipeline.name)' already exists in this workspace")
            }
            state.filePipelines.append(pipeline)
        }
    }

    func filePipeline(id: String) async throws -> FilePipeline? {
        read { $0.filePipelines.first { $0.id == id } }
    }

    func filePipelines(workspaceID: String) async throws -> [FilePipeline] {
        read { $0.filePipelines.filter { $0.workspaceID == workspaceID }.sorted { ($0.name, $0.id) < ($1.name, $1.id) } }
    }

    func enabledFilePipelines(workspaceID: String?) async throws -> [FilePipeline] {
        read { state in
            state.filePipelines.filter { $0.enabled && (workspaceID == nil || $0.workspaceID == workspaceID) }
                .sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        }
    }

    func updateFilePipeline(_ pipeline: FilePipeline) async throws -> Bool {
        try write { state in
            guard !state.filePipelines.contains(where: {
                $0.workspaceID == pipeline.workspaceID && $0.name == pipeline.name && $0.id != pipeline.id
            }) else { throw SlipwayError.conflict("a pipeline named '\(pipeline.name)' already exists in this workspace") }
            guard let index = state.filePipelines.firstIndex(where: { $0.id == pipeline.id }) else { return false }
            state.filePipelines[index] = pipeline
            return true
        }
    }

    func deleteFilePipeline(id: String) async throws -> Bool {
        try write { state in
            state.fileWorkflows.removeAll { $0.pipelineID == id }
            guard let index = state.filePipelines.firstIndex(where: { $0.id == id }) else { return false }
            state.filePipelines.remove(at: index)
            return true
        }
    }

    func insertFileWorkflow(_ workflow: FileWorkflow) async throws -> Bool {
        try write { state in
            guard !state.fileWorkflows.contains(where: {
                $0.pipelineID == workflow.pipelineID && $0.filePath == workflow.filePath && $0.fileVersion == workflow.fileVersion
            }) else { return false }
            state.fileWorkflows.append(workflow)
            return true
        }
    }

    func fileWorkflow(id: String) async throws -> FileWorkflow? {
        read { $0.fileWorkflows.first { $0.id == id } }
    }

    func fileWorkflows(_ query: FileWorkflowQuery) async throws -> [FileWorkflow] {
        read { state in
            Array(state.fileWorkflows.filter {
                $0.workspaceID == query.workspaceID && (query.pipelineID == nil || $0.pipelineID == query.pipelineID)
                    && (query.status == nil || $0.status == query.status) && (query.filePath == nil || $0.filePath == query.filePath)
            }.reversed().sorted { $0.createdAt > $1.createdAt }.prefix(max(query.limit, 0)))
        }
    }

    func fileWorkflowVersions(pipelineID: String, paths: [String]) async throws -> Set<String> {
        let wanted = Set(paths)
        return read { state in
            Set(state.fileWorkflows.filter { $0.pipelineID == pipelineID && wanted.contains($0.filePath) }
                .map { $0.filePath + "\n" + $0.fileVersion })
        }
    }

    func claimFileWorkflow(id: String, token: String, until: Date, now: Date, takeOver: Bool) async throws -> FileWorkflow? {
        try write { state in
            guard let index = state.fileWorkflows.firstIndex(where: { $0.id == id }),
                  Self.isAvailable(state.fileWorkflows[index], now: takeOver ? .distantFuture : now)
            else { return nil }
            state.fileWorkflows[index].status = .running
            state.fileWorkflows[index].claimToken = token
            state.fileWorkflows[index].claimedUntil = until
            state.fileWorkflows[index].attempts += 1
            state.fileWorkflows[index].startedAt = state.fileWorkflows[index].startedAt ?? now
            state.fileWorkflows[index].updatedAt = now
            return state.fileWorkflows[index]
        }
    }

    static func isAvailable(_ workflow: FileWorkflow, now: Date) -> Bool {
        workflow.status == .pending || (workflow.status == .running && (workflow.claimedUntil ?? .distantPast) < now)
    }

    func saveFileWorkflow(_ workflow: FileWorkflow, claimToken: String) async throws -> Bool {
        try write { state in
            guard let index = state.fileWorkflows.firstIndex(where: { $0.id == workflow.id && $0.claimToken == claimToken })
            else { return false }
            var saved = workflow
            saved.attempts = state.fileWorkflows[index].attempts
            saved.startedAt = state.fileWorkflows[index].startedAt
            state.fileWorkflows[index] = saved
            return true
        }
    }

    func extendFileWorkflowClaim(id: String, token: String, until: Date) async throws -> Bool {
        try write { state in
            guard let index = state.fileWorkflows.firstIndex(where: { $0.id == id && $0.claimToken == token }) else { return false }
            state.fileWorkflows[index].claimedUntil = until
            return true
        }
    }

    func availableFileWorkflows(now: Date, limit: Int) async throws -> [FileWorkflow] {
        read { state in
            Array(state.fileWorkflows.filter { Self.isAvailable($0, now: now) }.sorted { $0.createdAt < $1.createdAt }
                .prefix(max(limit, 0)))
        }
    }

    func requeueFileWorkflow(id: String, steps: [FileWorkflowStep], at time: Date) async throws -> Bool {
        try write { state in
            guard let index = state.fileWorkflows.firstIndex(where: { $0.id == id && $0.status == .failed }) else { return false }
            state.fileWorkflows[index].status = .pending
            state.fileWorkflows[index].steps = steps
            state.fileWorkflows[index].failureReason = nil
            state.fileWorkflows[index].claimToken = nil
            state.fileWorkflows[index].claimedUntil = nil
            state.fileWorkflows[index].endedAt = nil
            state.fileWorkflows[index].updatedAt = time
            return true
        }
    }
}
