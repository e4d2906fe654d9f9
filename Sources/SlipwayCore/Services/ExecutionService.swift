import Foundation

/// Runs pipelines and answers questions about their executions.
public struct ExecutionService: Sendable {
    let platform: Platform
    let accounts: AccountService
    let dataStore: DataStoreService

    public init(platform: Platform, accounts: AccountService, dataStore: DataStoreService) {
        self.platform = platform
        self.accounts = accounts
        self.dataStore = dataStore
    }

    /// Validates and records a run, then starts it in the background. Nothing is stored when the
    /// request is refused.
    public func run(pipeline: Pipeline, step: Step, request: RunRequest, workspace: Workspace,
                    principal: Principal, trigger: ExecutionTrigger = .run,
                    deploymentName: String? = nil) async throws -> Execution {
        switch step.status {
        case .ready: break
        case .pending: throw SlipwayError.conflict("pipeline '\(pipeline.name)' is still being created")
        case .failed: throw SlipwayError.conflict("pipeline '\(pipeline.name)' failed to build; see its logs")
        }
        let resolver = InputResolver(inputs: step.inputs, outputs: step.outputs, maxIOBytes: platform.limits.maxIOBytes)
        let variables = try await platform.store.variables(workspaceID: workspace.id)
        var inputs = try resolver.resolveInputs(request, variables: Dictionary(variables.map { ($0.name, $0.value) },
                                                                             uniquingKeysWith: { $1 }))
        let outputs = try resolver.resolveOutputs(request.outputsMapping)
        for file in request.files.values where file.size > platform.limits.maxFileInputBytes {
            throw SlipwayError.tooLarge("file '\(NameRules.printable(file.fileName))' exceeds \(platform.limits.maxFileInputBytes) bytes")
        }
        // Data-store inputs must exist now.
        for input in inputs {
            guard let path = input.source.dataStorePath else { continue }
            guard try await platform.store.object(workspaceID: workspace.id, path: path) != nil else {
                throw SlipwayError.notFound("data store object", path)
            }
        }
        // Keep uploaded files.
        var imported: [String] = []
        do {
            for index in inputs.indices where inputs[index].source == .run && inputs[index].dataType == .file {
                if let file = request.files[inputs[index].name] {
                    let blob = try await platform.blobs.importFile(at: file.url)
                    imported.append(blob.key)
                    inputs[index].fileBlob = blob.key
                }
            }
            let now = platform.now()
            var execution = Execution(
                id: Execution.makeID(pipelineName: pipeline.name, at: now), workspaceID: workspace.id, pipelineID: pipeline.id,
                pipelineName: pipeline.name, stepID: step.id, deploymentName: deploymentName, trigger: trigger,
                status: .pending, createdAt: now, createdBy: principal.userID)
            // The runner takes it up at once: stored started (one write where pending, then
            // running, would take two, one of them on the way to its worker).
            var machine = ExecutionStateMachine(status: .pending)
            if case .transition(_, let to, _) = machine.handle(.start) {
                execution.status = to
                execution.startedAt = now
            }
            try await platform.store.insertExecution(execution, inputs: inputs, outputs: outputs)
            let runner = ExecutionRunner(platform: platform, accounts: accounts, dataStore: dataStore)
            let stored = inputs
            let started = execution
            Task {
                await runner.execute(started, step: step, workspace: workspace, inputs: stored, outputs: outputs,
                                     alreadyStarted: started.status == .running)
            }
            return execution
        } catch {
            for key in imported { try? await platform.blobs.delete(key) }
            throw error
        }
    }

    /// Stores an execution run elsewhere (a workflow step's program) once it ended, with its
    /// inputs and outputs, in one write; its log was written under ``LogSubject/execution(_:)``.
    public func recordFinished(_ execution: Execution, inputs: [ExecutionInput], outputs: [ExecutionOutput]) async throws {
        guard execution.status.isFinal else { throw SlipwayError.internal("execution \(execution.id) has not ended") }
        try await platform.store.recordExecution(execution, inputs: inputs, outputs: outputs, logs: [])
    }

    public func get(workspaceID: String, id: String) async throws -> Execution {
        guard let execution = try await platform.store.execution(workspaceID: workspaceID, id: id) else {
            throw SlipwayError.notFound("execution", id)
        }
        return execution
    }

    public func list(workspaceID: String, pipelineName: String?) async throws -> [Execution] {
        try await platform.store.listExecutions(workspaceID: workspaceID, pipelineName: pipelineName)
    }

    public func latest(workspaceID: String, pipelineName: String) async throws -> Execution? {
        try await platform.store.latestExecution(workspaceID: workspaceID, pipelineName: pipelineName)
    }

    public func inputs(of execution: Execution) async throws -> [ExecutionInput] {
        try await platform.store.inputs(executionID: execution.id)
    }

    public func outputs(of execution: Execution) async throws -> [ExecutionOutput] {
        try await platform.store.outputs(executionID: execution.id)
    }

    /// Holds the caller (bounded) until the execution finishes; returns it as it is then.
    public func waitForCompletion(workspaceID: String, id: String) async throws -> Execution {
        try await platform.signals.poll("execution:\(id)", hold: platform.limits.longPollHold,
                                        from: try await get(workspaceID: workspaceID, id: id),
                                        settled: { $0.status.isFinal },
                                        read: { try await get(workspaceID: workspaceID, id: id) })
    }

    public func logs(of execution: Execution, query: LogQuery) async throws -> [LogLine] {
        try await platform.store.logs(subject: .execution(execution.id), query: query)
    }

    public func delete(workspaceID: String, id: String) async throws -> Execution {
        let execution = try await get(workspaceID: workspaceID, id: id)
        guard execution.status.isFinal else {
            throw SlipwayError.conflict("execution '\(id)' is still \(execution.status.rawValue.lowercased()); "
                + "wait for it to finish before deleting it")
        }
        try await Self.purge(execution, platform: platform)
        return execution
    }

    /// Removes an execution with its I/O files and logs.
    static func purge(_ execution: Execution, platform: Platform) async throws {
        let inputs = try await platform.store.inputs(executionID: execution.id)
        let outputs = try await platform.store.outputs(executionID: execution.id)
        try await platform.store.deleteExecution(id: execution.id)
        try await platform.store.deleteLogs(subject: .execution(execution.id))
        for input in inputs where input.source.kind == .run { if let blob = input.fileBlob { try? await platform.blobs.delete(blob) } }
        for output in outputs where output.destination.kind != .dataStore {
            if let blob = output.fileBlob { try? await platform.blobs.delete(blob) }
        }
    }

    /// Marks executions interrupted by a crash or shutdown as failed (their worker is gone).
    public func recoverInterrupted() async throws -> Int {
        var count = 0
        for execution in try await platform.store.unfinishedExecutions() {
            var machine = ExecutionStateMachine(status: execution.status)
            let message = "the server stopped while this execution was \(execution.status.rawValue.lowercased()); "
                + "run it again"
            if case .transition(let from, let to, let text) = machine.handle(.error(message)) {
                if try await platform.store.updateExecutionStatus(id: execution.id, from: from, to: to,
                                                                  at: platform.now(), message: text) {
                    try await platform.store.appendLogs([LogLine(timestamp: platform.now(), stream: .system, message: message)],
                                                        subject: .execution(execution.id))
                    count += 1
                }
            }
        }
        return count
    }
}
