import Foundation

extension TrackingService {
    /// The workspace's default experiment, created on first use (two callers racing both end
    /// with the one stored).
    @discardableResult
    public func defaultExperiment(workspaceID: String) async throws -> Experiment {
        if let existing = try await store.experiment(workspaceID: workspaceID, id: Experiment.defaultID) { return existing }
        let now = platform.now()
        let experiment = Experiment(id: Experiment.defaultID, workspaceID: workspaceID, name: Experiment.defaultName,
                                    artifactLocation: Experiment.defaultID, createdAt: now, updatedAt: now)
        do {
            try await store.insertExperiment(experiment)
            return experiment
        } catch let error as SlipwayError where error.kind == .conflict {
            if let stored = try await store.experiment(workspaceID: workspaceID, id: Experiment.defaultID) { return stored }
            throw error
        }
    }

    func validateExperimentName(_ name: String) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SlipwayError.badRequest("experiment name must not be empty")
        }
        guard name.count <= limits.maxExperimentNameLength else {
            throw SlipwayError.badRequest("experiment name is \(name.count) characters long; the limit is \(limits.maxExperimentNameLength)")
        }
    }

    /// Creates an experiment; its name must be new in the workspace.
    public func createExperiment(workspaceID: String, name: String, artifactLocation: String? = nil,
                                 tags: [(key: String, value: String)] = []) async throws -> Experiment {
        try validateExperimentName(name)
        for tag in tags {
            try validateKey(tag.key, "tag")
            try validateValue(tag.value, key: tag.key, limit: limits.maxExperimentTagValueLength, "tag")
        }
        try await defaultExperiment(workspaceID: workspaceID)
        if try await store.experiment(workspaceID: workspaceID, name: name) != nil {
            throw SlipwayError.conflict("Experiment '\(name)' already exists.")
        }
        let id = Self.newExperimentID()
        let now = platform.now()
        var tagMap: [String: String] = [:]
        for tag in tags { tagMap[tag.key] = tag.value }
        let experiment = Experiment(id: id, workspaceID: workspaceID, name: name,
                                    artifactLocation: artifactLocation.flatMap { $0.isEmpty ? nil : $0 } ?? id,
                                    createdAt: now, updatedAt: now, tags: tagMap)
        do {
            try await store.insertExperiment(experiment)
        } catch let error as SlipwayError where error.kind == .conflict {
            throw SlipwayError.conflict("Experiment '\(name)' already exists.")
        }
        return experiment
    }

    /// The experiment, in any lifecycle stage.
    public func experiment(workspaceID: String, id: String) async throws -> Experiment {
        if id == Experiment.defaultID { return try await defaultExperiment(workspaceID: workspaceID) }
        if let experiment = try await store.experiment(workspaceID: workspaceID, id: id) { return experiment }
        if let experiment = try await executionRuns.experiment(workspaceID: workspaceID, id: id) { return experiment }
        throw SlipwayError.notFound("experiment", id)
    }

    public func experiment(workspaceID: String, name: String) async throws -> Experiment {
        try await defaultExperiment(workspaceID: workspaceID)
        if let experiment = try await store.experiment(workspaceID: workspaceID, name: name) { return experiment }
        if let experiment = try await executionRuns.experiment(workspaceID: workspaceID, name: name) { return experiment }
        throw SlipwayError.notFound("experiment", name)
    }

    /// A page of experiments (`limit` + 1 are read so the caller knows whether more follow),
    /// then the pipelines' experiments after the stored ones.
    public func searchExperiments(_ query: ExperimentQuery) async throws -> [Experiment] {
        guard query.limit >= 1, query.limit <= limits.maxExperimentsPage + 1 else {
            throw SlipwayError.badRequest("max_results must be between 1 and \(limits.maxExperimentsPage)")
        }
        try await defaultExperiment(workspaceID: query.workspaceID)
        return try await store.searchExperiments(query)
    }

    func writableExperiment(workspaceID: String, id: String) async throws -> Experiment {
        if try await executionRuns.experiment(workspaceID: workspaceID, id: id) != nil {
            throw SlipwayError.forbidden("experiment '\(id)' shows a pipeline's executions and is read-only")
        }
        return try await experiment(workspaceID: workspaceID, id: id)
    }

    public func renameExperiment(workspaceID: String, id: String, newName: String) async throws {
        try validateExperimentName(newName)
        let experiment = try await writableExperiment(workspaceID: workspaceID, id: id)
        if experiment.name == newName { return }
        if try await store.experiment(workspaceID: workspaceID, name: newName) != nil {
            throw SlipwayError.conflict("Experiment '\(newName)' already exists.")
        }
        _ = try await store.updateExperiment(workspaceID: workspaceID, id: id, name: newName, lifecycle: nil, at: platform.now())
    }

    /// Moves the experiment to the trash (its runs stay, hidden with it) or back.
    public func setExperimentLifecycle(workspaceID: String, id: String, _ lifecycle: TrackingLifecycle) async throws {
        let experiment = try await writableExperiment(workspaceID: workspaceID, id: id)
        if lifecycle == .deleted, experiment.id == Experiment.defaultID {
            throw SlipwayError.badRequest("the default experiment cannot be deleted")
        }
        if experiment.lifecycle == lifecycle {
            throw SlipwayError.badRequest("experiment '\(id)' is already \(lifecycle.rawValue)")
        }
        _ = try await store.updateExperiment(workspaceID: workspaceID, id: id, name: nil, lifecycle: lifecycle, at: platform.now())
    }

    /// Sets (or, with nil, deletes) an experiment tag.
    public func setExperimentTag(workspaceID: String, id: String, key: String, value: String?) async throws {
        try validateKey(key, "tag")
        if let value { try validateValue(value, key: key, limit: limits.maxExperimentTagValueLength, "tag") }
        let experiment = try await writableExperiment(workspaceID: workspaceID, id: id)
        guard experiment.lifecycle == .active else {
            throw SlipwayError.badRequest("experiment '\(id)' is deleted; restore it before changing its tags")
        }
        if value == nil, experiment.tags[key] == nil {
            throw SlipwayError.notFound("experiment tag", key)
        }
        try await store.setExperimentTag(workspaceID: workspaceID, id: id, key: key, value: value)
    }
}
