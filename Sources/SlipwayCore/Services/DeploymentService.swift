import Foundation

/// Deployments: a pipeline served behind an endpoint or run on a schedule, in elastic or
/// low-latency mode. Every status change goes through `DeploymentStateMachine`.
public struct DeploymentService: Sendable {
    let platform: Platform
    let accounts: AccountService
    let executions: ExecutionService
    let dataStore: DataStoreService
    let directory = DeploymentDirectory()
    /// Group commit of the inference records of deployments that record them.
    let recorder: InferenceRecorder

    public init(platform: Platform, accounts: AccountService, executions: ExecutionService, dataStore: DataStoreService) {
        self.platform = platform
        self.accounts = accounts
        self.executions = executions
        self.dataStore = dataStore
        recorder = InferenceRecorder(store: platform.store)
    }

    // MARK: - Creation

    /// Validates everything first; nothing is stored when the request is refused. Returns the
    /// deployment and, for endpoints, its token in clear (shown to the creator).
    public func create(_ request: DeploymentRequest, workspace: Workspace, principal: Principal) async throws -> Deployment {
        guard try await platform.store.deployment(workspaceID: workspace.id, name: request.name) == nil else {
            throw SlipwayError.conflict("deployment '\(request.name)' already exists")
        }
        guard let pipeline = try await platform.store.pipeline(workspaceID: workspace.id, name: request.pipelineName) else {
            throw SlipwayError.notFound("pipeline", request.pipelineName)
        }
        guard let step = try await platform.store.step(id: try pipeline.singleStepID()) else {
            throw SlipwayError.notFound("step of pipeline", request.pipelineName)
        }
        switch step.status {
        case .ready: break
        case .pending: throw SlipwayError.conflict("pipeline '\(pipeline.name)' is still being created; wait for it")
        case .failed: throw SlipwayError.conflict("pipeline '\(pipeline.name)' failed to build; see its logs")
        }
        let planner = DeploymentMappingPlanner(inputs: step.inputs, outputs: step.outputs, rule: request.rule)
        let inputs = try planner.planInputs(request.inputsMapping)
        let outputs = try planner.planOutputs(request.outputsMapping)
        if let schedule = request.schedule { _ = try Self.cron(schedule) }
        if request.recordInferences == true { try Self.checkCanRecordInferences(request.rule, name: request.name) }
        var path: String?
        var token: String?
        if request.rule == .endpoint {
            let chosen = request.endpointPath ?? request.name
            try Self.validateEndpointPath(chosen)
            guard try await platform.store.deployment(workspaceID: workspace.id, endpointPath: chosen) == nil else {
                throw SlipwayError.conflict("endpoint path '\(chosen)' is already used by another deployment")
            }
            path = chosen
            token = request.endpointToken ?? SecretTokens.make(prefix: "swe_")
            try Self.validateEndpointToken(token!)
        }
        let parallel = request.mode == .lowLatency && (request.parallelExecutions ?? false)
        var deployment = Deployment(
            id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: request.name, pipelineID: pipeline.id,
            pipelineName: pipeline.name, stepID: step.id, rule: request.rule, mode: request.mode,
            description: request.description, isEnabled: true,
            status: DeploymentStateMachine.initialStatus(mode: request.mode, enabled: true),
            endpointPath: path, endpointTokenHash: token.map(AccountService.hash),
            endpointTokenSealed: try token.map { try platform.sealer.seal($0) },
            schedule: request.schedule.map { $0.trimmingCharacters(in: .whitespaces) },
            inputsMapping: inputs, outputsMapping: outputs, parallelExecutions: parallel,
            maxParallelExecutions: parallel ? (request.maxParallelExecutions ?? DeploymentRequest.defaultMaxParallel) : 1,
            ramRequestBytes: request.ramRequestBytes, gpuRequest: request.gpuRequest,
            executionTimeoutSeconds: request.executionTimeoutSeconds,
            recordsInferences: request.recordInferences ?? false,
            lastScheduledAt: request.rule == .periodic ? Self.scheduleMark(platform.now()) : nil,
            createdAt: platform.now(), createdBy: principal.userID)
        deployment.updatedAt = deployment.createdAt
        try await platform.store.insertDeployment(deployment)
        await log(deployment, "Deployment created (\(deployment.rule.rawValue), \(deployment.mode.rawValue)"
            + (deployment.recordsInferences ? ", recording inferences)" : ")"))
        if deployment.mode == .lowLatency {
            await startWorker(deployment, step: step)
        }
        return deployment
    }

    static func validateEndpointPath(_ path: String) throws(SlipwayError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~/")
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, path.count <= 200, path.allSatisfy({ allowed.contains($0) }),
              segments.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }), segments.first != "v1"
        else {
            throw .badRequest("endpoint_url_path '\(NameRules.printable(path))' must be 1-200 characters of letters, digits, "
                + "'-', '_', '.', '~' in '/'-separated segments, and must not start with 'v1/'")
        }
    }

    static func validateEndpointToken(_ token: String) throws(SlipwayError) {
        guard (16...512).contains(token.utf8.count), token.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value < 127 }) else {
            throw .badRequest("an endpoint token must be 16 to 512 printable ASCII characters without spaces")
        }
    }

    /// Only endpoint executions answer a caller, so only endpoint deployments record inferences.
    static func checkCanRecordInferences(_ rule: ExecutionRule, name: String) throws(SlipwayError) {
        guard rule == .endpoint else {
            throw .badRequest("deployment '\(NameRules.printable(name))' is \(rule.rawValue): only endpoint deployments "
                + "record inferences")
        }
    }

    static func cron(_ schedule: String) throws(SlipwayError) -> CronExpression {
        do {
            return try CronExpression(schedule.trimmingCharacters(in: .whitespaces))
        } catch let error as ScheduleError {
            throw .badRequest("schedule '\(NameRules.printable(schedule))' is not a valid cron expression: \(error.message)")
        } catch {
            throw .badRequest("schedule '\(NameRules.printable(schedule))' is not a valid cron expression")
        }
    }

    static func minute(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    /// The mark a periodic deployment's schedule starts from when it is created, re-enabled or
    /// rescheduled: the moment itself, to the millisecond, never a whole minute, so that it is
    /// told apart from a claimed slot (always a whole minute) and no slot at or before it fires.
    static func scheduleMark(_ date: Date) -> Date {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let mark = milliseconds.truncatingRemainder(dividingBy: 60_000) == 0 ? milliseconds + 1 : milliseconds
        return Date(timeIntervalSince1970: mark / 1000)
    }

    // MARK: - Reading

    public func get(workspaceID: String, name: String) async throws -> Deployment {
        guard let deployment = try await platform.store.deployment(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("deployment", name)
        }
        return deployment
    }

    public func list(workspaceID: String) async throws -> [Deployment] {
        try await platform.store.listDeployments(workspaceID: workspaceID)
    }

    /// Holds the caller (bounded) until the deployment's status is final (`DeploymentStatus.isFinal`).
    public func waitForFinalStatus(workspaceID: String, name: String) async throws -> Deployment {
        let current = try await get(workspaceID: workspaceID, name: name)
        return try await platform.signals.poll("deployment:\(current.id)", hold: platform.limits.longPollHold,
                                               from: current, settled: { $0.status.isFinal },
                                               read: { try await get(workspaceID: workspaceID, name: name) })
    }

    /// The endpoint token in clear, for users of the workspace.
    public func endpointToken(of deployment: Deployment) -> String? {
        deployment.endpointTokenSealed.flatMap { platform.sealer.open($0) }
    }

    public func latestExecution(_ deployment: Deployment) async throws -> Execution? {
        try await platform.store.latestExecution(workspaceID: deployment.workspaceID, deploymentName: deployment.name)
    }

    public func logs(_ deployment: Deployment, query: LogQuery) async throws -> [LogLine] {
        try await platform.store.logs(subject: .deployment(deployment.id), query: query)
    }

    /// The deployment's executions, newest first.
    public func executions(of deployment: Deployment) async throws -> [Execution] {
        try await platform.store.listExecutions(workspaceID: deployment.workspaceID, deploymentName: deployment.name)
    }

    /// One page of the deployment's inference records (see `DeploymentInferences.records`).
    public func inferenceRecords(of deployment: Deployment, start: Date? = nil, end: Date? = nil,
                                 order: InferenceRecordQuery.Order = .newestFirst,
                                 limit: Int = InferenceRecordQuery.defaultLimit, cursor: InferenceCursor? = nil)
        async throws -> InferenceRecordQuery.Page {
        try await DeploymentInferences(store: platform.store, now: platform.now)
            .records(of: deployment, start: start, end: end, order: order, limit: limit, cursor: cursor)
    }

    public func pods(_ deployment: Deployment) async -> [PodInfo] {
        guard deployment.mode == .lowLatency else { return [] }
        return await platform.residents.pods(deploymentID: deployment.id)
    }

    /// Deletes a pipeline. One that deployments use is refused unless `withDeployments`, which
    /// deletes them first; returns the deployments deleted.
    public func deletePipeline(workspaceID: String, name: String, withDeployments: Bool, pipelines: PipelineService)
        async throws -> (Pipeline, [Deployment]) {
        let (pipeline, _) = try await pipelines.get(workspaceID: workspaceID, name: name)
        if !withDeployments { try await pipelines.checkNoDeployments(pipeline) }
        let dependents = try await platform.store.deployments(pipelineID: pipeline.id)
        var removed: [Deployment] = []
        for deployment in dependents {
            removed.append(try await delete(workspaceID: workspaceID, name: deployment.name))
        }
        _ = try await pipelines.delete(workspaceID: workspaceID, name: name)
        return (pipeline, removed)
    }

    // MARK: - Changes

    /// Applies a change: enable/disable, mapping values, schedule; a change that sets nothing
    /// reloads a low-latency worker.
    public func update(workspaceID: String, name: String, changes: DeploymentChanges, principal: Principal) async throws
        -> Deployment {
        var deployment = try await get(workspaceID: workspaceID, name: name)
        let enabled = changes.isEnabled
        guard let step = try await platform.store.step(id: deployment.stepID) else {
            throw SlipwayError.notFound("step of pipeline", deployment.pipelineName)
        }
        var changed = false
        var recordingChanged = false
        if let recording = changes.recordInferences {
            if recording { try Self.checkCanRecordInferences(deployment.rule, name: deployment.name) }
            recordingChanged = recording != deployment.recordsInferences
            deployment.recordsInferences = recording
        }
        if let text = changes.schedule {
            guard deployment.rule == .periodic else {
                throw SlipwayError.badRequest("schedule can only be set on a periodic deployment, as a string")
            }
            _ = try Self.cron(text)
            deployment.schedule = text.trimmingCharacters(in: .whitespaces)
            deployment.lastScheduledAt = Self.scheduleMark(platform.now())
            changed = true
        }
        let planner = DeploymentMappingPlanner(inputs: step.inputs, outputs: step.outputs, rule: deployment.rule)
        if let given = changes.inputsMapping {
            let merged = try Self.merge(given, into: deployment.inputsMapping, key: \.input, kind: "input")
            try DeploymentMappingPlanner.checkSameKinds(old: deployment.inputsMapping, new: merged)
            deployment.inputsMapping = try planner.planInputs(merged)
            changed = true
        }
        if let given = changes.outputsMapping {
            let merged = try Self.merge(given, into: deployment.outputsMapping, key: \.output, kind: "output")
            try DeploymentMappingPlanner.checkSameKinds(old: deployment.outputsMapping, new: merged)
            deployment.outputsMapping = try planner.planOutputs(merged)
            changed = true
        }
        deployment.updatedAt = platform.now()
        deployment.updatedBy = principal.userID
        directory.forget(deployment)
        if changed || recordingChanged { try await platform.store.updateDeployment(deployment) }
        if recordingChanged {
            await log(deployment, DeploymentInferences.logMessage(deployment.recordsInferences))
        }

        if enabled == false, deployment.isEnabled {
            deployment.isEnabled = false
            try await platform.store.updateDeployment(deployment)
            await apply(.disable, to: deployment)
            if deployment.mode == .lowLatency { await platform.residents.stop(deploymentID: deployment.id) }
            await log(deployment, "Deployment disabled")
        } else if enabled == true, !deployment.isEnabled {
            deployment.isEnabled = true
            deployment.lastScheduledAt = deployment.rule == .periodic ? Self.scheduleMark(platform.now()) : deployment.lastScheduledAt
            try await platform.store.updateDeployment(deployment)
            await apply(.enable(deployment.mode), to: deployment)
            await log(deployment, "Deployment enabled")
            if deployment.mode == .lowLatency { await startWorker(deployment, step: step) }
        } else if deployment.mode == .lowLatency, deployment.isEnabled,
                  (enabled == nil && changes.recordInferences == nil) || changed {
            // A change that sets nothing reloads the worker; recording is not the worker's concern.
            deployment.generation += 1
            try await platform.store.updateDeployment(deployment)
            await log(deployment, "Reloading the worker")
            await startWorker(deployment, step: step, replacingRunningWorker: true)
        }
        directory.forget(deployment)
        return try await get(workspaceID: workspaceID, name: name)
    }

    /// Replaces the mappings named in `given`, keeping the others.
    static func merge<M>(_ given: [M], into current: [M], key: KeyPath<M, String>, kind: String) throws(SlipwayError) -> [M] {
        var merged = current
        for mapping in given {
            guard let index = merged.firstIndex(where: { $0[keyPath: key] == mapping[keyPath: key] }) else {
                throw .badRequest("'\(NameRules.printable(mapping[keyPath: key]))' is mapped but is not an \(kind) of "
                    + "this pipeline")
            }
            merged[index] = mapping
        }
        return merged
    }

    /// Sets (or generates) a new endpoint token; the previous one stops working at once.
    public func rotateToken(workspaceID: String, name: String, token given: String?) async throws -> String {
        var deployment = try await get(workspaceID: workspaceID, name: name)
        guard deployment.rule == .endpoint else {
            throw SlipwayError.badRequest("deployment '\(name)' is not an endpoint; it has no endpoint token")
        }
        let token = given ?? SecretTokens.make(prefix: "swe_")
        try Self.validateEndpointToken(token)
        deployment.endpointTokenHash = AccountService.hash(token)
        deployment.endpointTokenSealed = try platform.sealer.seal(token)
        deployment.updatedAt = platform.now()
        directory.forget(deployment)
        try await platform.store.updateDeployment(deployment)
        directory.forget(deployment)
        await log(deployment, "A new endpoint token was generated; the previous one no longer works")
        return token
    }

    /// Deletes the deployment with its executions (running ones are refused unless they end first).
    public func delete(workspaceID: String, name: String) async throws -> Deployment {
        let deployment = try await get(workspaceID: workspaceID, name: name)
        directory.forget(deployment)
        if deployment.mode == .lowLatency { await platform.residents.stop(deploymentID: deployment.id) }
        try await platform.store.deleteDeployment(id: deployment.id)
        try? await platform.store.revokeTokens(executionID: deployment.id)
        for execution in try await platform.store.listExecutions(workspaceID: workspaceID, deploymentName: name) {
            if !execution.status.isFinal {
                _ = try? await executions.waitForCompletion(workspaceID: workspaceID, id: execution.id)
            }
            try? await ExecutionService.purge(execution, platform: platform)
        }
        try await platform.store.deleteLogs(subject: .deployment(deployment.id))
        platform.signals.signal("deployment:\(deployment.id)")
        return deployment
    }

    // MARK: - Workers

    /// Starts the resident worker of every enabled low-latency deployment (server start-up).
    public func resumeWorkers() async throws {
        for deployment in try await platform.store.allDeployments() where deployment.mode == .lowLatency && deployment.isEnabled {
            guard let step = try await platform.store.step(id: deployment.stepID) else { continue }
            if deployment.status != .starting {
                var machine = DeploymentStateMachine(status: deployment.status)
                if case .transition(let from, let to, _) = machine.handle(.workerStarting) {
                    _ = try await platform.store.updateDeploymentStatus(id: deployment.id, from: from, to: to, at: platform.now())
                }
            }
            await log(deployment, "Server started: starting the worker again (module-level state starts fresh)")
            await startWorker(deployment, step: step)
        }
    }

    /// Starts the deployment's resident worker with a fresh deployment token. The previous token is
    /// revoked, except on a reload (`replacingRunningWorker`): the previous worker then finishes
    /// its executions with it, so it only expires once they can no longer be running.
    func startWorker(_ deployment: Deployment, step: Step, replacingRunningWorker: Bool = false) async {
        guard let key = step.environmentKey, let environment = platform.environments.environment(key: key) else {
            await apply(.workerFailed("the Python environment of the pipeline is not available"), to: deployment)
            return
        }
        var variables: [String: String] = [:]
        for variable in (try? await platform.store.variables(workspaceID: deployment.workspaceID)) ?? [] {
            variables[variable.name] = variable.value
        }
        if replacingRunningWorker {
            let grace = TimeInterval(timeout(of: deployment).components.seconds) + 1
            try? await platform.store.expireTokens(executionID: deployment.id, at: platform.now().addingTimeInterval(grace))
        } else {
            try? await platform.store.revokeTokens(executionID: deployment.id)
        }
        let token = try? await accounts.issueDeploymentToken(for: deployment)
        if let workspace = try? await platform.store.workspace(id: deployment.workspaceID) {
            variables.merge(platform.workerEnvironment(WorkerContext(workspace: workspace, token: token, executionID: nil))) {
                _, contributed in contributed
            }
        }
        let spec = ResidentWorkerSpec(
            deploymentID: deployment.id, deploymentName: deployment.name, generation: deployment.generation,
            pythonExecutable: environment.pythonExecutable, codeDirectory: platform.bundles.codeDirectory(stepID: step.id),
            functionPath: step.functionPath, functionName: step.functionName,
            concurrency: deployment.workerConcurrency, queueLimit: platform.limits.maxQueuedExecutions,
            memoryLimitBytes: deployment.ramRequestBytes, executionTimeout: timeout(of: deployment),
            environment: variables)
        let service = self
        await platform.residents.start(spec) { report in
            switch report {
            case .status(let event, let line):
                await service.append(line, to: deployment)
                await service.apply(event, to: deployment)
            case .log(let line):
                await service.append(line, to: deployment)
            }
        }
    }

    func timeout(of deployment: Deployment) -> Duration {
        deployment.executionTimeoutSeconds.map { .seconds($0) } ?? platform.limits.executionTimeout
    }

    /// Proposes an event to the deployment's state machine and persists the transition.
    func apply(_ event: DeploymentStateMachine.Event, to deployment: Deployment) async {
        for _ in 0..<3 {
            guard let current = try? await platform.store.deployment(workspaceID: deployment.workspaceID, name: deployment.name),
                  current.id == deployment.id else { return }
            var machine = DeploymentStateMachine(status: current.status)
            guard case .transition(let from, let to, let message) = machine.handle(event) else { return }
            directory.forget(current)
            if (try? await platform.store.updateDeploymentStatus(id: current.id, from: from, to: to, at: platform.now())) == true {
                directory.forget(current)
                if let message { await log(current, "Status \(to.rawValue): \(message)") }
                platform.signals.signal("deployment:\(current.id)")
                return
            }
        }
    }

    func log(_ deployment: Deployment, _ message: String) async {
        await append(LogLine(timestamp: platform.now(), stream: .system, message: message), to: deployment)
    }

    func append(_ line: LogLine, to deployment: Deployment) async {
        try? await platform.store.appendLogs([line], subject: .deployment(deployment.id))
    }
}
