import Foundation

extension TrackingService {
    /// A new logged model id: `m-` and 32 hex digits.
    static func newLoggedModelID() -> String { "m-" + newRunID() }

    /// Logs a pending model into an active experiment, optionally from one of its runs.
    public func createLoggedModel(workspaceID: String, experimentID: String, name: String?, sourceRunID: String?,
                                  modelType: String?, tags: [(key: String, value: String)],
                                  params: [(key: String, value: String)]) async throws -> LoggedModel {
        let experiment = try await writableExperiment(workspaceID: workspaceID, id: experimentID)
        guard experiment.lifecycle == .active else {
            throw SlipwayError.badRequest("experiment '\(experimentID)' is deleted; models can only be logged to an active experiment")
        }
        if let sourceRunID, !sourceRunID.isEmpty {
            let run = try await run(workspaceID: workspaceID, id: sourceRunID)
            guard run.experimentID == experiment.id else {
                throw SlipwayError.badRequest("run '\(sourceRunID)' belongs to another experiment than '\(experimentID)'")
            }
        }
        try validate(RunDataBatch(params: params, tags: tags))
        let id = Self.newLoggedModelID()
        let now = nowMilliseconds()
        var tagMap: [String: String] = [:], paramMap: [String: String] = [:]
        for tag in tags { tagMap[tag.key] = tag.value }
        for param in params { paramMap[param.key] = param.value }
        let model = LoggedModel(id: id, workspaceID: workspaceID, experimentID: experiment.id,
                                name: name.flatMap { $0.isEmpty ? nil : $0 } ?? "model-\(id.dropFirst(2).prefix(8))",
                                sourceRunID: sourceRunID.flatMap { $0.isEmpty ? nil : $0 }, modelType: modelType,
                                createdAt: now, updatedAt: now, tags: tagMap, params: paramMap)
        try await store.insertLoggedModel(model)
        return model
    }

    public func loggedModel(workspaceID: String, id: String, allowDeleted: Bool = false) async throws -> LoggedModel {
        guard let model = try await store.loggedModel(workspaceID: workspaceID, id: id),
              allowDeleted || model.lifecycle == .active else {
            throw SlipwayError.notFound("logged model", id)
        }
        return model
    }

    /// Marks the upload done (ready) or failed.
    public func finalizeLoggedModel(workspaceID: String, id: String, status: LoggedModel.Status,
                                    message: String? = nil) async throws -> LoggedModel {
        _ = try await loggedModel(workspaceID: workspaceID, id: id)
        _ = try await store.updateLoggedModel(workspaceID: workspaceID, id: id, status: status, statusMessage: message,
                                              lifecycle: nil, at: nowMilliseconds())
        return try await loggedModel(workspaceID: workspaceID, id: id)
    }

    public func deleteLoggedModel(workspaceID: String, id: String) async throws {
        _ = try await loggedModel(workspaceID: workspaceID, id: id)
        _ = try await store.updateLoggedModel(workspaceID: workspaceID, id: id, status: nil, statusMessage: nil,
                                              lifecycle: .deleted, at: nowMilliseconds())
    }

    public func setLoggedModelTags(workspaceID: String, id: String, tags: [(key: String, value: String)]) async throws {
        try validate(RunDataBatch(tags: tags))
        _ = try await loggedModel(workspaceID: workspaceID, id: id)
        try await store.setLoggedModelData(workspaceID: workspaceID, id: id, tags: tags, params: [], deletedTags: [])
    }

    public func deleteLoggedModelTag(workspaceID: String, id: String, key: String) async throws {
        let model = try await loggedModel(workspaceID: workspaceID, id: id)
        guard model.tags[key] != nil else { throw SlipwayError.notFound("logged model tag", key) }
        try await store.setLoggedModelData(workspaceID: workspaceID, id: id, tags: [], params: [], deletedTags: [key])
    }

    /// Logs parameters; one already logged with another value is refused (as for runs).
    public func logLoggedModelParams(workspaceID: String, id: String, params: [(key: String, value: String)]) async throws {
        try validate(RunDataBatch(params: params))
        let model = try await loggedModel(workspaceID: workspaceID, id: id)
        for param in params {
            if let old = model.params[param.key], old != param.value {
                throw SlipwayError.badRequest("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(old)' for model '\(id)'.")
            }
        }
        try await store.setLoggedModelData(workspaceID: workspaceID, id: id, tags: [], params: params, deletedTags: [])
    }

    public func searchLoggedModels(workspaceID: String, experimentIDs: [String], limit: Int, offset: Int) async throws -> [LoggedModel] {
        guard limit >= 1, limit <= limits.maxRunsPage + 1 else {
            throw SlipwayError.badRequest("max_results must be between 1 and \(limits.maxRunsPage)")
        }
        return try await store.searchLoggedModels(workspaceID: workspaceID, experimentIDs: experimentIDs, limit: limit, offset: offset)
    }
}
