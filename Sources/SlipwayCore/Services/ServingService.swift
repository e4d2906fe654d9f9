import Foundation
import Logging
import Synchronization

/// Serving deployments of model pipelines: each model version of the deployed pipeline version
/// runs in resident worker processes (its replicas) inside an environment built for its
/// framework; inference calls walk the pipeline's nodes in order and every answered row is
/// recorded before the answer is sent.
public final class ServingService: Sendable {
    /// A deployment that is up (or coming up) in this process.
    struct Live: Sendable {
        var deployment: ModelDeployment
        var version: PipelineVersion
        var order: [PipelineNode]
        var replicaSets: [String: ModelReplicaSet]
        var models: [String: (version: ModelVersion, name: String)]
        /// The worker spec each model version's replicas start from (autoscaling adds more).
        var templates: [String: ResidentWorkerSpec]
        var pipelineName: String
    }

    let platform: Platform
    private let live = Mutex<[String: Live]>([:])
    private let recorder: InferenceRecorder

    public init(platform: Platform) {
        self.platform = platform
        recorder = InferenceRecorder(store: platform.store)
    }

    // MARK: - Deploying

    /// Deploys `version` under `name` (redeploying when a deployment of that name exists: its
    /// replicas are replaced). Returns at once with status `starting`; replicas come up in the
    /// background.
    public func deploy(workspaceID: String, userID: String, name: String, pipeline: Pipeline, version: PipelineVersion,
                       resources: ServingResources) async throws -> ModelDeployment {
        try ModelDeployment.validateName(name)
        try resources.validate()
        guard version.pipelineID == pipeline.id, pipeline.workspaceID == workspaceID else {
            throw SlipwayError.badRequest("the pipeline version does not belong to pipeline '\(pipeline.name)'")
        }
        guard !version.graph.nodes.isEmpty else {
            throw SlipwayError.badRequest("pipeline '\(pipeline.name)' has no model steps to deploy",
                                          details: .object(["pipeline": .string(pipeline.name)]))
        }
        guard let artifacts = platform.models else { throw SlipwayError.internal("model serving is not configured") }
        for node in version.graph.nodes where node.modelVersionIDs.isEmpty {
            throw SlipwayError.badRequest("node '\(node.name)' is not a model node: only model pipelines can be served")
        }
        for id in version.graph.modelVersionIDs {
            guard let modelVersion = try await platform.store.modelVersion(id: id), modelVersion.workspaceID == workspaceID else {
                throw SlipwayError.badRequest("model version '\(id)' does not exist in this workspace")
            }
            if let refusal = artifacts.servingRefusal(for: modelVersion) {
                throw SlipwayError.badRequest("models of framework '\(modelVersion.framework.rawValue)' cannot be "
                    + "deployed here: \(refusal)", details: .object(["framework": .string(modelVersion.framework.rawValue)]))
            }
        }
        let now = platform.now()
        let deployment: ModelDeployment
        if var existing = try await platform.store.modelDeployment(workspaceID: workspaceID, name: name) {
            await stopReplicas(of: existing.id)
            existing.pipelineID = pipeline.id
            existing.pipelineVersionID = version.id
            existing.resources = resources
            existing.status = .starting
            existing.statusMessage = nil
            existing.generation += 1
            existing.updatedAt = now
            try await platform.store.updateModelDeployment(existing)
            deployment = existing
        } else {
            deployment = ModelDeployment(id: UUID().uuidString.lowercased(), workspaceID: workspaceID, name: name,
                                         pipelineID: pipeline.id, pipelineVersionID: version.id, resources: resources,
                                         status: .starting, createdAt: now, createdBy: userID)
            try await platform.store.insertModelDeployment(deployment)
        }
        await log(deployment, "Deploying version \(version.id) of pipeline '\(pipeline.name)' "
            + "(\(resources.initialReplicas) replica\(resources.initialReplicas == 1 ? "" : "s") per model)")
        Task { await self.start(deployment, version: version) }
        return deployment
    }

    /// Stops the deployment's replicas; its calls are refused from now on.
    public func undeploy(_ deployment: ModelDeployment) async throws -> ModelDeployment {
        await stopReplicas(of: deployment.id)
        var stopped = deployment
        stopped.status = .stopped
        stopped.statusMessage = nil
        stopped.updatedAt = platform.now()
        try await platform.store.updateModelDeployment(stopped)
        await log(stopped, "Undeployed")
        return stopped
    }

    /// Starts again the deployments that were up when the server stopped.
    public func resume() async throws {
        for deployment in try await platform.store.activeModelDeployments() {
            guard let version = try await platform.store.pipelineVersion(id: deployment.pipelineVersionID) else { continue }
            var restarting = deployment
            restarting.status = .starting
            restarting.statusMessage = nil
            try? await platform.store.updateModelDeployment(restarting)
            Task { await self.start(restarting, version: version) }
        }
    }

    /// Stops every replica (server shutdown); stored statuses stay so that `resume` restarts them.
    public func shutdown() async {
        for id in live.withLock({ Array($0.keys) }) { await stopReplicas(of: id) }
    }

    /// The deployment with this id, in whatever workspace (the caller checks access).
    public func deployment(id: String) async throws -> ModelDeployment {
        guard let deployment = try await platform.store.modelDeployment(id: id) else {
            throw SlipwayError.notFound("deployment", id)
        }
        return deployment
    }

    public func deployment(id: String, workspaceID: String) async throws -> ModelDeployment {
        guard let deployment = try await platform.store.modelDeployment(id: id), deployment.workspaceID == workspaceID else {
            throw SlipwayError.notFound("deployment", id)
        }
        return deployment
    }

    public func deployment(named name: String, workspaceID: String) async throws -> ModelDeployment {
        guard let deployment = try await platform.store.modelDeployment(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("deployment", NameRules.printable(name))
        }
        return deployment
    }

    public func deployments(of pipeline: Pipeline) async throws -> [ModelDeployment] {
        try await platform.store.modelDeployments(pipelineID: pipeline.id)
    }

    /// A deployment that is running in this process and the name of its pipeline, read from
    /// memory (what the inference path needs, without a database read); nil when it is not.
    public func running(id: String) -> (deployment: ModelDeployment, pipelineName: String)? {
        live.withLock { entries in
            guard let entry = entries[id], entry.deployment.status == .running else { return nil }
            return (entry.deployment, entry.pipelineName)
        }
    }

    /// The processes serving each model version of the deployment.
    public func replicas(of deployment: ModelDeployment) async -> [(modelVersionID: String, pods: [PodInfo])] {
        guard let current = live.withLock({ $0[deployment.id] }) else { return [] }
        var result: [(String, [PodInfo])] = []
        for node in current.order {
            for id in node.modelVersionIDs {
                guard let set = current.replicaSets[id] else { continue }
                var pods: [PodInfo] = []
                for key in await set.keys { pods += await platform.residents.pods(deploymentID: key) }
                result.append((id, pods))
            }
        }
        return result
    }

    /// Mean rows per model call of each model version of a live deployment (batching at work).
    public func meanBatchRows(of deployment: ModelDeployment) async -> [String: Double] {
        guard let current = live.withLock({ $0[deployment.id] }) else { return [:] }
        var means: [String: Double] = [:]
        for (id, set) in current.replicaSets { means[id] = await set.meanBatchRows }
        return means
    }

    // MARK: - Inference

    /// Runs the rows through the deployment's pipeline and records them (and any shadow
    /// results) before returning.
    public func infer(_ deployment: ModelDeployment, rows: [JSONValue]) async throws -> InferenceResult {
        let started = ContinuousClock.now
        guard deployment.status == .running, let current = live.withLock({ $0[deployment.id] }) else {
            throw SlipwayError(.conflict, "deployment '\(deployment.name)' is \(deployment.status.rawValue), not running",
                               details: .object(["status": .string(deployment.status.rawValue)]))
        }
        guard !rows.isEmpty else { throw SlipwayError.badRequest("the request has no rows") }
        for (index, row) in rows.enumerated() where row.objectValue == nil {
            throw SlipwayError.badRequest("row \(index) is not an object of column values", details: .object(["row": .number(Double(index))]))
        }
        let time = platform.now()
        var currentRows = rows
        var servingVersions = [String](repeating: "", count: rows.count)
        var shadows: [(String, [JSONValue])] = []
        var hasSplit = false
        for node in current.order {
            guard case .model(let own) = node.kind else { continue }
            switch node.routing {
            case .split(let arms)?:
                hasSplit = true
                let chosen = Self.pick(arms) ?? own
                currentRows = try await run(chosen, current, currentRows)
                servingVersions = servingVersions.map { _ in chosen }
            case .shadow(let challengers)?:
                let given = currentRows
                async let champion = run(own, current, given)
                var challengerResults: [(String, [JSONValue])] = []
                for challenger in challengers {
                    if let out = try? await run(challenger, current, given) { challengerResults.append((challenger, out)) }
                }
                currentRows = try await champion
                servingVersions = servingVersions.map { _ in own }
                shadows = challengerResults
            case nil:
                currentRows = try await run(own, current, currentRows)
                servingVersions = servingVersions.map { _ in own }
            }
        }
        let modelsElapsed = Self.nanoseconds(ContinuousClock.now - started)
        let recordIDs = InferenceRecordIDs(at: time)
        var records: [InferenceRecord] = []
        var resultRows: [InferenceResult.Row] = []
        for index in rows.indices {
            let id = recordIDs.id(at: index)
            let inputs = rows[index].objectValue ?? [:]
            let outputs = currentRows[index].objectValue ?? [:]
            guard let served = current.models[servingVersions[index]] else { continue }
            records.append(InferenceRecord(
                id: id, workspaceID: deployment.workspaceID, deploymentID: deployment.id, pipelineID: deployment.pipelineID,
                pipelineVersionID: current.version.id, modelVersionID: served.version.id, time: time,
                inputs: inputs.mapValues(FeatureValue.init(json:)), outputs: outputs.mapValues(FeatureValue.init(json:)),
                latency: .nanoseconds(modelsElapsed))
                .limited(toBytes: platform.limits.maxInferenceRecordBytes))
            var shadowOutputs: [(modelName: String, outputs: [String: JSONValue])] = []
            for (challenger, out) in shadows {
                guard let model = current.models[challenger], index < out.count else { continue }
                let values = out[index].objectValue ?? [:]
                shadowOutputs.append((model.name, values))
                records.append(InferenceRecord(
                    id: id + "-" + model.version.id.prefix(8), workspaceID: deployment.workspaceID,
                    deploymentID: deployment.id, pipelineID: deployment.pipelineID, pipelineVersionID: current.version.id,
                    modelVersionID: challenger, isShadow: true, shadowOf: id, time: time,
                    inputs: [:], outputs: values.mapValues(FeatureValue.init(json:))))
            }
            resultRows.append(InferenceResult.Row(inputs: inputs, outputs: outputs, modelVersion: served.version,
                                                  modelName: served.name, shadowOutputs: shadowOutputs, recordID: id))
        }
        let totalElapsed = Self.nanoseconds(ContinuousClock.now - started)
        try await recorder.record(records)
        return InferenceResult(time: time, rows: resultRows, deployment: deployment, pipelineVersionID: current.version.id,
                               elapsed: [modelsElapsed, totalElapsed], hasSplit: hasSplit)
    }

    private func run(_ versionID: String, _ current: Live, _ rows: [JSONValue]) async throws -> [JSONValue] {
        guard let set = current.replicaSets[versionID] else {
            throw SlipwayError(.unavailable, "model version '\(versionID)' is not running in this deployment")
        }
        return try await set.infer(rows)
    }

    /// A random arm, chosen in proportion to the weights.
    static func pick(_ arms: [ModelRouting.Arm]) -> String? {
        let total = arms.reduce(0) { $0 + max(0, $1.weight) }
        guard total > 0 else { return arms.first?.modelVersionID }
        var point = Int.random(in: 0..<total)
        for arm in arms {
            if point < arm.weight { return arm.modelVersionID }
            point -= max(0, arm.weight)
        }
        return arms.last?.modelVersionID
    }

    /// Record ids sort by time, then by row: ten base-36 digits of the time in microseconds, six
    /// random ones, then the row index.
    public static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    // MARK: - Logs

    /// A page of the records of `query`; a page holds records of one pipeline version only
    /// (it stops early, with `schemaChanged`, where the version changes).
    public func logs(_ query: InferenceRecordQuery) async throws -> InferenceLogPage {
        try query.validate()
        let page = try await platform.store.inferenceRecords(query)
        var records = page.records
        var next = page.nextCursor
        var schemaChanged = false
        if let first = records.first, let cut = records.firstIndex(where: { $0.pipelineVersionID != first.pipelineVersionID }) {
            records = Array(records[..<cut])
            next = records.last.map(InferenceCursor.init(after:))
            schemaChanged = true
        }
        let shadows = Dictionary(grouping: try await platform.store.shadowRecords(of: records.map(\.id)), by: { $0.shadowOf ?? "" })
        var versions: [String: ModelVersion] = [:], names: [String: String] = [:], splits: [String: Bool] = [:]
        func describe(_ id: String?) async throws -> (ModelVersion, String)? {
            guard let id else { return nil }
            if versions[id] == nil, let version = try await platform.store.modelVersion(id: id) {
                versions[id] = version
                names[id] = try await platform.store.model(id: version.modelID)?.name
            }
            guard let version = versions[id], let name = names[id] else { return nil }
            return (version, name)
        }
        var entries: [InferenceLogPage.Entry] = []
        for record in records {
            let served = try await describe(record.modelVersionID)
            var shadowOutputs: [(modelName: String, outputs: [String: JSONValue])] = []
            for shadow in shadows[record.id] ?? [] {
                if let (_, name) = try await describe(shadow.modelVersionID) {
                    shadowOutputs.append((name, shadow.outputs.mapValues(\.json)))
                }
            }
            var split = false
            if let versionID = record.pipelineVersionID {
                if splits[versionID] == nil {
                    let graph = try await platform.store.pipelineVersion(id: versionID)?.graph
                    splits[versionID] = graph?.nodes.contains { if case .split? = $0.routing { true } else { false } } ?? false
                }
                split = splits[versionID] ?? false
            }
            entries.append(InferenceLogPage.Entry(record: record, modelName: served?.1, modelVersion: served?.0,
                                                  shadows: shadowOutputs, split: split))
        }
        return InferenceLogPage(entries: entries, nextCursor: next, schemaChanged: schemaChanged)
    }

    // MARK: - Replicas

    private func start(_ deployment: ModelDeployment, version: PipelineVersion) async {
        guard let artifacts = platform.models else { return }
        do {
            let order = try version.graph.topologicalOrder()
            var sets: [String: ModelReplicaSet] = [:]
            var models: [String: (version: ModelVersion, name: String)] = [:]
            var specs: [(ModelReplicaSet, ResidentWorkerSpec)] = []
            var templates: [String: ResidentWorkerSpec] = [:]
            for (position, id) in version.graph.modelVersionIDs.enumerated() {
                guard let modelVersion = try await platform.store.modelVersion(id: id),
                      let model = try await platform.store.model(id: modelVersion.modelID) else {
                    throw SlipwayError.badRequest("model version '\(id)' no longer exists")
                }
                models[id] = (modelVersion, model.name)
                let spec = try artifacts.environmentSpec(for: modelVersion)
                await log(deployment, "Preparing the environment of model '\(model.name)' (\(modelVersion.framework.rawValue))")
                let environment = try await platform.environments.ensure(spec) { _ in }
                let code = try await artifacts.servingCode(for: modelVersion, modelName: model.name, blobs: platform.blobs)
                let keys = (0..<deployment.resources.initialReplicas).map {
                    "\(deployment.id).\(deployment.generation).\(position).\($0)"
                }
                let set = ModelReplicaSet(modelName: model.name, replicaKeys: keys, pool: platform.residents,
                                          maxRows: platform.limits.maxInferenceBatchRows, timeout: .seconds(60))
                sets[id] = set
                for (replica, key) in keys.enumerated() {
                    specs.append((set, ResidentWorkerSpec(
                        deploymentID: key, deploymentName: "\(deployment.name)-\(model.name)-r\(replica)",
                        generation: deployment.generation,
                        pythonExecutable: environment.pythonExecutable, codeDirectory: code.codeDirectory,
                        functionPath: code.functionPath, functionName: code.functionName, concurrency: 1, queueLimit: 2,
                        memoryLimitBytes: deployment.resources.memoryBytes, executionTimeout: .seconds(60),
                        environment: code.environment)))
                }
            }
            for (set, spec) in specs {
                for (id, candidate) in sets where candidate === set { templates[id] = spec }
            }
            let pipelineName = try await platform.store.pipeline(id: deployment.pipelineID)?.name ?? ""
            let entry = Live(deployment: deployment, version: version, order: order, replicaSets: sets, models: models,
                             templates: templates, pipelineName: pipelineName)
            live.withLock { $0[deployment.id] = entry }
            for (set, spec) in specs { await launch(spec, into: set, for: deployment) }
            if ReplicaScaling.isAutoscaled(deployment.resources) {
                Task { await self.autoscale(deployment) }
            }
        } catch {
            let reason = (error as? SlipwayError)?.message ?? "\(error)"
            await markFailed(deployment.id, generation: deployment.generation, reason: reason)
        }
    }

    /// Starts one replica's worker and follows its reports.
    private func launch(_ spec: ResidentWorkerSpec, into set: ModelReplicaSet, for deployment: ModelDeployment) async {
        let key = spec.deploymentID
        await platform.residents.start(spec) { [weak self] report in
            guard let self else { return }
            switch report {
            case .status(let event, let line):
                await self.append(line, to: deployment)
                switch event {
                case .workerReady:
                    await self.limitCPU(of: key, deployment)
                    await set.setReady(key, true)
                    await self.refreshStatus(deployment.id)
                case .workerFailed(let reason):
                    await set.setReady(key, false)
                    await self.markFailed(deployment.id, generation: deployment.generation, reason: reason)
                case .workerLost:
                    await set.setReady(key, false)
                default: break
                }
            case .log(let line):
                await self.append(line, to: deployment)
            }
        }
    }

    /// Applies the deployment's `cpus` to the replica's (new) process, or logs why it cannot.
    private func limitCPU(of key: String, _ deployment: ModelDeployment) async {
        guard let cpus = deployment.resources.cpus else { return }
        guard let limiter = platform.cpuLimiter else {
            await log(deployment, "CPU limit of \(cpus) not applied: no CPU limiter on this server")
            return
        }
        for pod in await platform.residents.pods(deploymentID: key) {
            guard let pid = pod.pid else { continue }
            if let reason = limiter.limit(pid: pid, cpus: cpus, key: key) {
                await log(deployment, "CPU limit of \(cpus) not applied: \(reason)")
            }
        }
    }

    /// Every `autoscaleInterval` while this generation of the deployment is live: each model's
    /// replica count moves one step toward what its replicas' busy time asks for
    /// (`ReplicaScaling`).
    private func autoscale(_ deployment: ModelDeployment) async {
        var serial = 0
        while true {
            try? await Task.sleep(for: platform.limits.autoscaleInterval)
            guard let current = live.withLock({ $0[deployment.id] }),
                  current.deployment.generation == deployment.generation else { return }
            for (id, set) in current.replicaSets {
                let count = await set.count
                let wanted = ReplicaScaling.next(current: count, busyFraction: await set.sampleBusyFraction(),
                                                 resources: deployment.resources)
                if wanted > count, var spec = current.templates[id] {
                    serial += 1
                    spec.deploymentID += ".a\(serial)"
                    spec.deploymentName += "-a\(serial)"
                    await set.add(spec.deploymentID)
                    await log(deployment, "Autoscaling: adding a replica of model '\(await set.modelName)' (\(wanted) in all)")
                    await launch(spec, into: set, for: deployment)
                } else if wanted < count, let key = await set.removeOne() {
                    await log(deployment, "Autoscaling: removing a replica of model '\(await set.modelName)' (\(wanted) left)")
                    await platform.residents.stop(deploymentID: key)
                    platform.cpuLimiter?.release(key: key)
                }
            }
        }
    }

    /// Running once every model version has a ready replica.
    private func refreshStatus(_ deploymentID: String) async {
        guard let current = live.withLock({ $0[deploymentID] }) else { return }
        for set in current.replicaSets.values where await set.readyCount == 0 { return }
        guard var stored = try? await platform.store.modelDeployment(id: deploymentID),
              stored.generation == current.deployment.generation, stored.status == .starting else { return }
        stored.status = .running
        stored.updatedAt = platform.now()
        try? await platform.store.updateModelDeployment(stored)
        live.withLock { $0[deploymentID]?.deployment = stored }
        await log(stored, "Running")
        platform.signals.signal("serving:\(deploymentID)")
    }

    private func markFailed(_ deploymentID: String, generation: Int, reason: String) async {
        guard var stored = try? await platform.store.modelDeployment(id: deploymentID), stored.generation == generation,
              stored.status != .stopped else { return }
        await stopReplicas(of: deploymentID)
        stored.status = .failed
        stored.statusMessage = Self.withoutPaths(reason)
        stored.updatedAt = platform.now()
        try? await platform.store.updateModelDeployment(stored)
        await log(stored, "Failed: \(reason)")
        platform.signals.signal("serving:\(deploymentID)")
    }

    /// The message with absolute file paths cut to their last component: statuses are shown to
    /// API callers, who have no business with the server's folders.
    static func withoutPaths(_ message: String) -> String {
        message.replacing(/\/(?:[^\s'"\/]+\/)+([^\s'"\/]+)/) { match in String(match.output.1) }
    }

    private func stopReplicas(of deploymentID: String) async {
        guard let current = live.withLock({ $0.removeValue(forKey: deploymentID) }) else { return }
        for set in current.replicaSets.values {
            await set.cancelAll(SlipwayError(.conflict, "deployment '\(current.deployment.name)' is stopping"))
            for key in await set.keys {
                await platform.residents.stop(deploymentID: key)
                platform.cpuLimiter?.release(key: key)
            }
        }
    }

    func log(_ deployment: ModelDeployment, _ message: String) async {
        await append(LogLine(timestamp: platform.now(), stream: .system, message: message), to: deployment)
    }

    func append(_ line: LogLine, to deployment: ModelDeployment) async {
        try? await platform.store.appendLogs([line], subject: .deployment(deployment.id))
    }
}
