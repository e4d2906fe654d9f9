import Foundation

extension DeploymentService {
    /// A workspace by name, for the public endpoint routes (workspaces are never renamed).
    public func workspace(named name: String) async throws -> Workspace? {
        if let known = directory.workspace(named: name) { return known }
        guard let stored = try await platform.store.workspace(named: name) else { return nil }
        directory.remember(stored)
        return stored
    }

    /// The deployment behind a public endpoint path, if `token` is its current endpoint token.
    /// A wrong, rotated or other deployment's token is refused the same way.
    public func authenticateEndpoint(workspaceID: String, path: String, token: String?) async throws -> Deployment {
        guard let token, !token.isEmpty else {
            throw SlipwayError.unauthorized("missing endpoint token: send 'Authorization: EndpointToken <token>'")
        }
        var found = directory.deployment(workspaceID: workspaceID, path: path)
        if found == nil {
            let epoch = directory.currentEpoch
            found = try await platform.store.deployment(workspaceID: workspaceID, endpointPath: path)
            if let found { directory.remember(found, readAt: epoch) }
        }
        guard token.utf8.count <= 512, let deployment = found, let expected = deployment.endpointTokenHash,
              Self.constantTimeEqual(AccountService.hash(token), expected)
        else { throw SlipwayError.unauthorized("the endpoint token is not valid for this endpoint") }
        return deployment
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// Starts one execution of the deployment. Everything is checked before anything is stored:
    /// a refused call leaves no execution behind. Returns the execution and a handle on its result.
    ///
    /// `announcesID`: the caller is given the execution id before the end (and may read the
    /// execution meanwhile), so it is stored before it runs. A caller that only waits for the
    /// end (a held endpoint call) of a low-latency execution gets its record written once, at
    /// the end, in one commit (see `DeferredRecord`); either way the result is handed over only
    /// once stored.
    public func trigger(_ deployment: Deployment, values: [String: JSONValue], files: [String: UploadedFile],
                        trigger: ExecutionTrigger, announcesID: Bool = true) async throws -> (Execution, ExecutionHandle) {
        let recorded = try await record(deployment, values: values, files: files, trigger: trigger, announcesID: announcesID)
        recorded.start()
        return (recorded.execution, recorded.handle)
    }

    /// An execution checked and recorded (stored, unless its record is deferred) that runs once
    /// `start` is called.
    public struct RecordedExecution: Sendable {
        public let execution: Execution
        public let handle: ExecutionHandle
        public let start: @Sendable () -> Void
    }

    /// `trigger` without the start: the scheduler records every execution a minute's slots
    /// call for before any of them competes for the cores.
    public func record(_ deployment: Deployment, values: [String: JSONValue], files: [String: UploadedFile],
                       trigger: ExecutionTrigger, announcesID: Bool = true) async throws -> RecordedExecution {
        guard deployment.isEnabled else {
            throw SlipwayError(.forbidden, "deployment '\(deployment.name)' is disabled", code: .deploymentDisabled)
        }
        if deployment.mode == .lowLatency, deployment.status == .failed {
            throw SlipwayError(.unavailable, "deployment '\(deployment.name)' has no worker: it failed to start",
                               code: .deploymentWorkerFailed)
        }
        var cachedStep = directory.step(id: deployment.stepID)
        if cachedStep == nil, let stored = try await platform.store.step(id: deployment.stepID) {
            directory.remember(stored)
            cachedStep = stored
        }
        guard let step = cachedStep, step.status == .ready else {
            throw SlipwayError(.unavailable, "the pipeline of deployment '\(deployment.name)' is not ready")
        }
        let resolver = InputResolver(inputs: step.inputs, outputs: step.outputs, maxIOBytes: platform.limits.maxIOBytes)
        var variables: [String: String] = [:]
        if deployment.inputsMapping.contains(where: { $0.source.kind == .environmentVariable }) {
            for variable in try await platform.store.variables(workspaceID: deployment.workspaceID) {
                variables[variable.name] = variable.value
            }
        }
        var inputs = try resolver.resolveDeploymentInputs(mappings: deployment.inputsMapping, values: values, files: files,
                                                          variables: variables)
        let outputs = resolver.resolveDeploymentOutputs(deployment.outputsMapping)
        for file in files.values where file.size > platform.limits.maxFileInputBytes {
            throw SlipwayError.tooLarge("file '\(NameRules.printable(file.fileName))' exceeds \(platform.limits.maxFileInputBytes) bytes")
        }
        for input in inputs {
            guard let path = input.source.dataStorePath else { continue }
            guard try await platform.store.object(workspaceID: deployment.workspaceID, path: path) != nil else {
                throw SlipwayError.notFound("data store object", path)
            }
        }
        var route = ExecutionRunner.Route.elastic
        if deployment.mode == .lowLatency {
            switch platform.residents.admit(deploymentID: deployment.id) {
            case .admitted(let ticket): route = .resident(ticket)
            case .queueFull(let limit):
                throw SlipwayError(.tooManyRequests, "deployment '\(deployment.name)' is busy: every execution slot is taken "
                    + "and \(limit) executions are already waiting; retry later")
            case .notRunning:
                throw SlipwayError(.unavailable, "deployment '\(deployment.name)' has no running worker (status "
                    + "\(deployment.status.rawValue))", code: .deploymentWorkerNotRunning)
            }
        }
        var imported: [String] = []
        do {
            var cachedWorkspace = directory.workspace(id: deployment.workspaceID)
            if cachedWorkspace == nil, let stored = try await platform.store.workspace(id: deployment.workspaceID) {
                directory.remember(stored)
                cachedWorkspace = stored
            }
            guard let workspace = cachedWorkspace else {
                throw SlipwayError.notFound("environment", deployment.workspaceID)
            }
            for index in inputs.indices where inputs[index].dataType == .file {
                guard let exposed = inputs[index].source.endpointName else { continue }
                if let file = files[exposed] {
                    let blob = try await platform.blobs.importFile(at: file.url)
                    imported.append(blob.key)
                    inputs[index].fileBlob = blob.key
                }
            }
            let now = platform.now()
            var execution = Execution(
                id: Execution.makeID(pipelineName: deployment.pipelineName, at: now), workspaceID: deployment.workspaceID,
                pipelineID: deployment.pipelineID, pipelineName: deployment.pipelineName, stepID: step.id,
                deploymentName: deployment.name, trigger: trigger, status: .pending, createdAt: now,
                createdBy: deployment.createdBy)
            // A free worker slot was reserved: the execution is recorded as started (one write less).
            var started = false
            if case .resident(let ticket) = route, ticket.startsNow {
                var machine = ExecutionStateMachine(status: .pending)
                if case .transition(_, let to, _) = machine.handle(.start) {
                    execution.status = to
                    execution.startedAt = execution.createdAt
                    started = true
                }
            }
            var record: DeferredRecord?
            if deployment.mode == .lowLatency, !announcesID {
                record = DeferredRecord(execution, inputs: inputs, outputs: outputs)
                record?.scheduleLateInsert(into: platform.store)
            } else {
                // Stored before anything runs: the id the caller gets names a stored execution.
                try await platform.store.insertExecution(execution, inputs: inputs, outputs: outputs)
            }
            let deferred = record
            let runner = ExecutionRunner(platform: platform, accounts: accounts, dataStore: dataStore)
            let stored = inputs
            let timeout = self.timeout(of: deployment)
            let recording = EndpointInferenceRecording.of(deployment, trigger: trigger, recorder: recorder,
                                                          maxRecordBytes: platform.limits.maxInferenceRecordBytes)
            let handle = ExecutionHandle()
            let recorded = execution, chosen = route, alreadyStarted = started
            return RecordedExecution(execution: execution, handle: handle, start: {
                // On the shared pool even when the call came in on an event loop: an elastic
                // launch prepares its work directory with blocking file operations.
                Task(executorPreference: globalConcurrentExecutor) {
                    handle.complete(await runner.execute(recorded, step: step, workspace: workspace, inputs: stored,
                                                         outputs: outputs, route: chosen, timeout: timeout,
                                                         alreadyStarted: alreadyStarted, record: deferred,
                                                         recording: recording))
                }
            })
        } catch {
            if case .resident(let ticket) = route { platform.residents.release(ticket) }
            for key in imported { try? await platform.blobs.delete(key) }
            throw error
        }
    }
}
