import Foundation

/// File pipelines of a workspace (a workflow definition, its configuration and the condition on
/// new files that starts it) and their workflows: what a dialect's pipeline API translates to.
public struct FilePipelineService: Sendable {
    let store: any MetadataStore
    let now: @Sendable () -> Date
    let secrets: SecretService
    let settings: SettingService
    /// The definitions of a kind of workflow package this process can check (nil: none).
    let definitions: @Sendable (CodePackage.Kind) -> (any FileWorkflowDefinitions)?
    /// Starts running a workflow (a retry); nil where nothing runs workflows (the CLI).
    let start: (@Sendable (String) -> Void)?

    public init(platform: Platform, dispatcher: FileWorkflowDispatcher, secrets: SecretService, settings: SettingService) {
        self.init(store: platform.store, now: platform.now, secrets: secrets, settings: settings,
                  definitions: { dispatcher.engine(for: $0) }, start: { dispatcher.start($0) })
    }

    /// Pipelines on a store alone (the administration commands): they check definitions with
    /// `definitions` and run nothing.
    public init(store: any MetadataStore, now: @escaping @Sendable () -> Date, secrets: SecretService, settings: SettingService,
                definitions: @escaping @Sendable (CodePackage.Kind) -> (any FileWorkflowDefinitions)?,
                start: (@Sendable (String) -> Void)? = nil) {
        self.store = store
        self.now = now
        self.secrets = secrets
        self.settings = settings
        self.definitions = definitions
        self.start = start
    }

    /// What a create or an update sets (an update leaves nil fields as they are).
    public struct Draft: Sendable {
        public var name: String?
        public var description: String?
        public var definitionID: String?
        public var config: [String: FilePipeline.ConfigValue]?
        public var condition: FileCondition?
        public var enabled: Bool?

        public init(name: String? = nil, description: String? = nil, definitionID: String? = nil,
                    config: [String: FilePipeline.ConfigValue]? = nil, condition: FileCondition? = nil, enabled: Bool? = nil) {
            self.name = name
            self.description = description
            self.definitionID = definitionID
            self.config = config
            self.condition = condition
            self.enabled = enabled
        }
    }

    public func create(_ draft: Draft, workspaceID: String, by userID: String) async throws -> FilePipeline {
        guard let name = draft.name else { throw SlipwayError.badRequest("a pipeline needs a 'name'") }
        guard let definitionID = draft.definitionID else { throw SlipwayError.badRequest("a pipeline needs a workflow definition") }
        guard let condition = draft.condition else { throw SlipwayError.badRequest("a pipeline needs a trigger condition") }
        let now = now()
        let pipeline = FilePipeline(
            id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name, description: draft.description ?? "",
            packageID: definitionID, config: draft.config ?? [:], condition: condition, enabled: draft.enabled ?? true,
            enabledAt: now, createdBy: userID, createdAt: now)
        try await validate(pipeline)
        try await store.insertFilePipeline(pipeline)
        return pipeline
    }

    public func update(id: String, workspaceID: String, with draft: Draft) async throws -> FilePipeline {
        var pipeline = try await pipeline(id: id, workspaceID: workspaceID)
        let now = now()
        if let name = draft.name { pipeline.name = name }
        if let description = draft.description { pipeline.description = description }
        if let definitionID = draft.definitionID { pipeline.packageID = definitionID }
        if let config = draft.config { pipeline.config = config }
        if let condition = draft.condition { pipeline.condition = condition }
        if let enabled = draft.enabled, enabled != pipeline.enabled {
            pipeline.enabled = enabled
            // Files stored while it was disabled are not due: only those from now on.
            if enabled { pipeline.enabledAt = now }
        }
        pipeline.updatedAt = now
        try await validate(pipeline)
        guard try await store.updateFilePipeline(pipeline) else { throw SlipwayError.notFound("pipeline", id) }
        return pipeline
    }

    public func pipeline(id: String, workspaceID: String) async throws -> FilePipeline {
        guard let pipeline = try await store.filePipeline(id: id), pipeline.workspaceID == workspaceID else {
            throw SlipwayError.notFound("pipeline", id)
        }
        return pipeline
    }

    public func list(workspaceID: String) async throws -> [FilePipeline] {
        try await store.filePipelines(workspaceID: workspaceID)
    }

    /// Deletes the pipeline and its workflows (a running one stops at its next step).
    public func delete(id: String, workspaceID: String) async throws {
        _ = try await pipeline(id: id, workspaceID: workspaceID)
        guard try await store.deleteFilePipeline(id: id) else { throw SlipwayError.notFound("pipeline", id) }
    }

    public func workflow(id: String, workspaceID: String) async throws -> FileWorkflow {
        guard let workflow = try await store.fileWorkflow(id: id), workflow.workspaceID == workspaceID else {
            throw SlipwayError.notFound("workflow", id)
        }
        return workflow
    }

    public func workflows(_ query: FileWorkflowQuery) async throws -> [FileWorkflow] {
        guard (1...1000).contains(query.limit) else { throw SlipwayError.badRequest("the page size is 1-1000") }
        return try await store.fileWorkflows(query)
    }

    /// The log of the step's latest attempt (empty before it ran).
    public func stepLog(of workflow: FileWorkflow, stepID: String, limit: Int = 10_000) async throws -> [LogLine] {
        guard let step = workflow.steps.first(where: { $0.id == stepID }) else { throw SlipwayError.notFound("workflow step", stepID) }
        guard let runID = step.runID else { return [] }
        return try await store.logs(subject: .execution(runID), query: LogQuery(limit: limit))
    }

    /// Runs a failed workflow again from its first step that did not succeed (the steps that
    /// succeeded keep their outputs).
    public func retry(id: String, workspaceID: String) async throws -> FileWorkflow {
        let workflow = try await workflow(id: id, workspaceID: workspaceID)
        guard workflow.status == .failed else {
            throw SlipwayError.conflict("workflow \(id) is \(workflow.status.rawValue); only a failed workflow can be retried")
        }
        let steps = workflow.steps.map { step in
            step.status == .succeeded ? step : FileWorkflowStep(id: step.id)
        }
        guard try await store.requeueFileWorkflow(id: id, steps: steps, at: now()) else {
            throw SlipwayError.conflict("workflow \(id) changed while it was being retried; look at it again")
        }
        start?(id)
        return try await self.workflow(id: id, workspaceID: workspaceID)
    }

    /// The name, the definition (one of the workspace's, runnable here), the configuration
    /// (its settings and secrets exist; the definition accepts it) and the condition.
    private func validate(_ pipeline: FilePipeline) async throws {
        let name = pipeline.name
        guard (1...128).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              name.trimmingCharacters(in: .whitespaces) == name
        else { throw SlipwayError.badRequest("a pipeline name is 1-128 characters, without control characters or surrounding spaces") }
        guard pipeline.description.count <= 4096 else { throw SlipwayError.badRequest("a pipeline description is at most 4096 characters") }
        try pipeline.condition.validate()
        guard let definition = try await store.codePackage(id: pipeline.packageID),
              definition.workspaceID == pipeline.workspaceID
        else { throw SlipwayError.notFound("workflow definition", pipeline.packageID) }
        guard let engine = definitions(definition.kind) else {
            throw SlipwayError.badRequest("\(definition.address) is not a workflow definition this server can run")
        }
        guard pipeline.config.count <= 200 else { throw SlipwayError.badRequest("a pipeline has at most 200 configuration items") }
        for (key, value) in pipeline.config.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .literal: break
            case .sharedSetting(let name):
                do { _ = try await settings.setting(named: name, workspaceID: pipeline.workspaceID) } catch let error as SlipwayError
                    where error.kind == .notFound {
                    throw SlipwayError.badRequest("config '\(NameRules.printable(key))': no shared setting named '\(NameRules.printable(name))'")
                }
            case .secret(let name):
                do { _ = try await secrets.secret(named: name, workspaceID: pipeline.workspaceID) } catch let error as SlipwayError
                    where error.kind == .notFound {
                    throw SlipwayError.badRequest("config '\(NameRules.printable(key))': no secret named '\(NameRules.printable(name))'")
                }
            }
        }
        try engine.validate(config: pipeline.config, for: definition)
    }
}
