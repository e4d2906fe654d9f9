import Crypto
import Foundation

/// Creating, reading and deleting steps; building their environments in the background.
public struct StepService: Sendable {
    let platform: Platform
    public let defaults: ProjectDefaults

    public init(platform: Platform, defaults: ProjectDefaults = ProjectDefaults()) {
        self.platform = platform
        self.defaults = defaults
    }

    /// Validates the draft and the archive, stores the step as `creation_pending` and starts
    /// building its environment. Nothing is stored when validation fails.
    public func create(_ draft: StepDraft, archive: URL?, workspace: Workspace, principal: Principal,
                       ownerPipelineName: String? = nil) async throws -> Step {
        let kind = ownerPipelineName == nil ? "step" : "pipeline"
        if ownerPipelineName == nil {
            try NameRules.validateResourceName(draft.name, kind: kind)
        }
        let (functionPath, functionName) = try Self.validateFunction(draft)
        try Self.validateIO(inputs: draft.inputs, outputs: draft.outputs)
        var config = draft.containerConfig
        if let dockerfile = config.dockerfilePath, !dockerfile.isEmpty {
            throw SlipwayError.badRequest(
                "dockerfile_path is not supported: Slipway runs steps in local Python environments, not containers; "
                    + "remove dockerfile_path and list Python packages in requirements.txt "
                    + "(and Debian packages in system_dependencies)")
        }
        guard let archive else {
            if let repository = config.repositoryURL, !repository.isEmpty {
                throw SlipwayError.badRequest(
                    "creating a \(kind) from a git repository is not supported; pass container_config.local_folder "
                        + "so the code is uploaded")
            }
            throw SlipwayError.badRequest("the \(kind) code archive (multipart part 'step_file') is missing; "
                + "pass container_config.local_folder")
        }
        let pythonVersion: String
        if let language = config.language, !language.isEmpty {
            guard let version = ContainerConfig.pythonVersion(fromLanguage: language) else {
                throw SlipwayError.badRequest("language '\(NameRules.printable(language))' is not supported: use "
                    + "python:3.X-slim with one of \(platform.environments.availablePythonVersions().joined(separator: ", "))")
            }
            pythonVersion = version
        } else {
            pythonVersion = platform.environments.defaultPythonVersion
            config.language = "python:\(pythonVersion)-slim"
        }
        let systemDependencies = (config.systemDependencies ?? []).filter { !$0.isEmpty }
        try await platform.environments.validate(
            EnvironmentSpec(pythonVersion: pythonVersion, requirements: "", systemDependencies: systemDependencies))

        if try await platform.store.step(workspaceID: workspace.id, name: stepName(draft.name, owner: ownerPipelineName)) != nil {
            throw SlipwayError.conflict("\(kind) '\(draft.name)' already exists")
        }

        let size = (try? archive.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        guard size <= platform.limits.maxStepArchiveBytes else {
            throw SlipwayError.tooLarge("the code archive is \(size) bytes; the limit is \(platform.limits.maxStepArchiveBytes) bytes")
        }
        let bundle = try await platform.bundles.stage(archive: archive)
        do {
            guard bundle.files.contains(functionPath) else {
                throw SlipwayError.badRequest("function_path '\(NameRules.printable(functionPath))' is not in the uploaded code")
            }
            let requirementsPath = config.requirementsPath ?? defaults.requirementsPath
            var requirements = ""
            if !requirementsPath.isEmpty {
                if let text = try platform.bundles.readText(bundle, path: requirementsPath, limit: 1 << 20) {
                    let variables = try await platform.store.variables(workspaceID: workspace.id)
                    requirements = try Self.substituteVariables(text, variables: variables)
                } else if config.requirementsPath != nil {
                    throw SlipwayError.badRequest("requirements_path '\(NameRules.printable(requirementsPath))' is not in the uploaded code")
                }
            }
            config.requirementsPath = config.requirementsPath ?? (requirements.isEmpty ? nil : requirementsPath)
            let spec = EnvironmentSpec(pythonVersion: pythonVersion, requirements: requirements,
                                       systemDependencies: systemDependencies)
            let digest = try Self.sha256(of: archive)
            let blob = try await platform.blobs.importFile(at: archive)
            let now = platform.now()
            let step = Step(
                id: UUID().uuidString.lowercased(), workspaceID: workspace.id,
                name: stepName(draft.name, owner: ownerPipelineName), functionPath: functionPath,
                functionName: functionName, description: draft.description, inputs: draft.inputs,
                outputs: draft.outputs, containerConfig: config, status: .pending,
                ownerPipelineName: ownerPipelineName, codeDigest: digest, archiveBlob: blob.key, environmentKey: nil,
                createdAt: now, createdBy: principal.userID, updatedAt: now)
            try platform.bundles.install(bundle, stepID: step.id)
            do {
                try await platform.store.insertStep(step)
            } catch {
                // Nothing refers to the archive or the installed code of a step that was never stored.
                platform.bundles.remove(stepID: step.id)
                try? await platform.blobs.delete(blob.key)
                throw error
            }
            startBuild(step: step, spec: spec)
            return step
        } catch {
            platform.bundles.discard(bundle)
            throw error
        }
    }

    /// Builds (or reuses) the step's environment, then proposes ready / failed.
    func startBuild(step: Step, spec: EnvironmentSpec) {
        let platform = self.platform
        Task {
            let subject = LogSubject.step(step.id)
            let logLines = LogBuffer(store: platform.store, subject: subject)
            logLines.add(LogLine(timestamp: platform.now(), stream: .system,
                                       message: "Building Python \(spec.pythonVersion) environment"))
            let event: CreationStateMachine.Event
            do {
                let handle = try await platform.environments.ensure(spec) { line in
                    logLines.add(LogLine(timestamp: Date(), stream: .stdout, message: line))
                }
                logLines.add(LogLine(timestamp: platform.now(), stream: .system,
                                           message: "Environment \(handle.key.prefix(12)) ready"))
                event = .environmentReady(environmentKey: handle.key)
            } catch {
                let reason = (error as? SlipwayError)?.message ?? "\(error)"
                logLines.add(LogLine(timestamp: platform.now(), stream: .stderr, message: "Build failed: \(reason)"))
                event = .buildFailed(reason: reason)
            }
            await logLines.flush()
            var machine = CreationStateMachine(status: .pending)
            if case .transition(let status) = machine.handle(event) {
                var key: String?
                if case .environmentReady(let environmentKey) = event { key = environmentKey }
                _ = try? await platform.store.updateStepStatus(id: step.id, from: .pending, to: status, environmentKey: key)
            }
            platform.signals.signal("step:\(step.id)")
        }
    }

    /// Restarts builds interrupted by a shutdown.
    public func resumePendingBuilds() async throws {
        for step in try await platform.store.pendingSteps() {
            let version = step.containerConfig.language.flatMap(ContainerConfig.pythonVersion(fromLanguage:))
                ?? platform.environments.defaultPythonVersion
            var requirements = ""
            if let path = step.containerConfig.requirementsPath {
                let file = platform.bundles.codeDirectory(stepID: step.id).appendingPathComponent(path)
                let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
                let variables = (try? await platform.store.variables(workspaceID: step.workspaceID)) ?? []
                requirements = (try? Self.substituteVariables(text, variables: variables)) ?? text
            }
            startBuild(step: step, spec: EnvironmentSpec(pythonVersion: version, requirements: requirements,
                                                          systemDependencies: step.containerConfig.systemDependencies ?? []))
        }
    }

    /// The step an execution or a deployment runs (nil once deleted).
    public func step(id: String) async throws -> Step? {
        try await platform.store.step(id: id)
    }

    public func get(workspaceID: String, name: String) async throws -> Step {
        guard let step = try await platform.store.step(workspaceID: workspaceID, name: name),
              step.ownerPipelineName == nil
        else { throw SlipwayError.notFound("step", name) }
        return step
    }

    /// Waits (bounded) while the step is still being created.
    public func waitForCreation(_ step: Step) async throws -> Step {
        try await platform.signals.poll("step:\(step.id)", hold: platform.limits.longPollHold, from: step,
                                        settled: { $0.status != .pending },
                                        read: { try await platform.store.step(id: step.id) ?? step })
    }

    public func list(workspaceID: String) async throws -> [Step] {
        try await platform.store.listSteps(workspaceID: workspaceID, includeOwned: false)
    }

    /// Deletes a step; refused while pipelines use it unless `force` (which deletes them too),
    /// and always while deployments use one of those pipelines (they go first, on their own).
    public func delete(workspaceID: String, name: String, force: Bool,
                       pipelines: PipelineService) async throws -> Step {
        let step = try await get(workspaceID: workspaceID, name: name)
        let users = try await platform.store.pipelines(usingStepID: step.id)
        if !users.isEmpty && !force {
            throw SlipwayError(.conflict,
                "step '\(name)' is used by pipeline(s) \(users.map(\.name).joined(separator: ", "))",
                details: .object(["pipelines": .array(users.map { .string($0.name) })]), code: .stepHasPipelines)
        }
        for pipeline in users { try await pipelines.checkNoDeployments(pipeline) }
        for pipeline in users {
            _ = try await pipelines.delete(workspaceID: workspaceID, name: pipeline.name)
        }
        try await remove(step)
        return step
    }

    func remove(_ step: Step) async throws {
        try await platform.store.deleteStep(id: step.id)
        try await platform.store.deleteLogs(subject: .step(step.id))
        platform.bundles.remove(stepID: step.id)
        // Environments are shared and content-addressed, so only the archive goes with the step.
        try? await platform.blobs.delete(step.archiveBlob)
    }

    public func logs(step: Step, query: LogQuery) async throws -> [LogLine] {
        try await platform.store.logs(subject: .step(step.id), query: query)
    }

    func stepName(_ name: String, owner: String?) -> String {
        owner.map { "__pipeline__\($0)" } ?? name
    }

    static func validateFunction(_ draft: StepDraft) throws(SlipwayError) -> (String, String) {
        guard var path = draft.functionPath, !path.isEmpty else { throw .badRequest("function_path is required") }
        guard let name = draft.functionName, !name.isEmpty else { throw .badRequest("function_name is required") }
        while path.hasPrefix("./") { path.removeFirst(2) }
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."), path.hasSuffix(".py") else {
            throw .badRequest("function_path '\(NameRules.printable(path))' must be a relative path to a .py file")
        }
        guard name.unicodeScalars.allSatisfy({ $0.properties.isXIDContinue }),
              name.unicodeScalars.first.map({ $0.properties.isXIDStart || $0 == "_" }) == true
        else { throw .badRequest("function_name '\(NameRules.printable(name))' must be a Python identifier") }
        return (path, name)
    }

    static func validateIO(inputs: [InputDefinition], outputs: [OutputDefinition]) throws(SlipwayError) {
        var seen = Set<String>()
        for input in inputs {
            try NameRules.validateIOName(input.name)
            guard seen.insert(input.name).inserted else { throw .badRequest("input '\(input.name)' is declared twice") }
            if let value = input.defaultValue { try IOValueCoercion.check(value, as: input.dataType, name: input.name, role: "default value of input") }
        }
        seen = []
        for output in outputs {
            try NameRules.validateIOName(output.name)
            guard seen.insert(output.name).inserted else { throw .badRequest("output '\(output.name)' is declared twice") }
        }
    }

    /// Replaces `${VAR}` with workspace environment variables; an unknown one is an error.
    public static func substituteVariables(_ text: String, variables: [EnvironmentVariable]) throws(SlipwayError) -> String {
        let values = Dictionary(variables.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                result += rest[start.lowerBound...]
                rest = ""
                break
            }
            let name = String(rest[start.upperBound..<end])
            guard let value = values[name] else {
                throw .badRequest("requirements.txt uses ${\(NameRules.printable(name))} but no environment variable "
                    + "of that name exists in this environment")
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }

    static func sha256(of file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { hasher.update(data: chunk) }
        return Hex.encode(hasher.finalize())
    }
}
