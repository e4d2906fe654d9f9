import Foundation
import SlipwayCore

/// Runs the workflows of TetraScience protocols (`protocol.yml` v3, stored as workflow
/// packages): each step calls a task script's function, `f(input, context)`, in a fresh process
/// of the script's environment through the stand-in `ts_sdk` runner (`slipway_task_script.py`).
///
/// Each attempt of a step is a Slipway execution (trigger `file_arrival`, pipeline = the file
/// pipeline, step = the task script), recorded with its resolved input (secrets as references)
/// and its output once it ends; its log is the execution's. A step's input is its template resolved against `workflow` (the input file's pointer, ids,
/// names), `config` (literals and shared settings as values, secrets as `{"ssm": path}`
/// references), `constants` and `steps.<id>.output` of earlier steps. The secrets a step's
/// input references reach its process only, as `SECRET_<name>` variables that the runner's
/// `resolve_secret` reads, and are masked in its log. `if` false skips a step; a failed step
/// ends the workflow unless its `continueOnError` holds. In a workspace whose steps may not reach
/// the network, a step runs in a network namespace of its own and calls the API over
/// `apiSocket`.
struct TetraProtocolEngine: FileWorkflowEngine {
    let core: CoreServices
    let runs: TetraStepRuns
    let apiURL: String
    /// The server's Unix socket (nil: none, and steps cannot be cut off from the network).
    let apiSocket: String?

    /// A step that sets no timeout may run this long.
    static let defaultStepTimeout = 3600

    /// A secret's reference path, shaped as TetraScience's (`/<environment>/<org>/org-secrets/<name>`).
    static func secretPath(name: String, organization: String) -> String {
        "/slipway/\(organization)/org-secrets/\(name)"
    }

    func stepIDs(of definition: CodePackage) throws(SlipwayError) -> [String] {
        try TetraProtocolDefinitions().stepIDs(of: definition)
    }

    func validate(config: [String: FilePipeline.ConfigValue], for definition: CodePackage) throws(SlipwayError) {
        try TetraProtocolDefinitions().validate(config: config, for: definition)
    }

    func run(_ workflow: FileWorkflow, pipeline: FilePipeline, definition: CodePackage,
             progress: @escaping @Sendable (FileWorkflow) async -> Bool) async -> FileWorkflow {
        var workflow = workflow
        let now = core.platform.now
        func fail(_ reason: String) -> FileWorkflow {
            for index in workflow.steps.indices where !Self.isDone(workflow.steps[index].status) {
                workflow.steps[index].status = .skipped
            }
            FileWorkflowDispatcher.end(&workflow, status: .failed, reason: reason, at: now())
            return workflow
        }
        let protocolDefinition: ProtocolDefinition
        let organization: String
        let isolated: Bool
        let object: DataObject
        var contexts: [String: JSONValue]
        var secretNames: [String: String] = [:]
        do {
            protocolDefinition = try TetraProtocolDefinitions.protocolDefinition(definition)
            guard let workspace = try await core.platform.store.workspace(id: workflow.workspaceID) else {
                return fail("the workspace no longer exists")
            }
            organization = workspace.name
            isolated = !workspace.allowsOutboundNetwork
            guard let stored = try await core.platform.store.object(workspaceID: workflow.workspaceID, path: workflow.filePath),
                  stored.etag == workflow.fileVersion else {
                return fail("the input file '\(workflow.filePath)' was replaced or deleted before the workflow ran")
            }
            object = stored
            var config: [String: JSONValue] = [:]
            for item in protocolDefinition.config {
                switch pipeline.config[item.name] {
                case .literal(let value)?: config[item.name] = value
                case .sharedSetting(let name)?:
                    config[item.name] = .string(try await core.settings.setting(named: name, workspaceID: workflow.workspaceID).value)
                case .secret(let name)?:
                    let path = Self.secretPath(name: name, organization: workspace.name)
                    secretNames[path] = name
                    config[item.name] = .object(["ssm": .string(path)])
                case nil: config[item.name] = item.defaultValue ?? .null
                }
            }
            contexts = [
                "workflow": .object([
                    "id": .string(workflow.id), "inputFile": TetraFilePointer.pointer(object, organization: organization),
                    "inputFileName": .string(String(object.path.split(separator: "/").last ?? "")),
                    "pipelineId": .string(pipeline.id), "pipelineName": .string(pipeline.name),
                    "protocolNamespace": .string(definition.namespace), "protocolSlug": .string(definition.slug),
                    "protocolVersion": .string(definition.version),
                    "startedAt": .string(ISO8601DateFormatter().string(from: workflow.startedAt ?? now())),
                ]),
                "config": .object(config),
                "constants": .object(protocolDefinition.constants),
                "steps": .object([:]),
            ]
        } catch let error as SlipwayError {
            return fail(error.message)
        } catch {
            return fail("the workflow could not be prepared: \(error)")
        }
        let environment = ProtocolEnvironment(organization: organization, pipeline: pipeline, definition: definition,
                                              secretNames: secretNames, object: object, isolated: isolated)
        for step in protocolDefinition.steps {
            guard let index = workflow.steps.firstIndex(where: { $0.id == step.id }) else {
                return fail("the protocol changed: step '\(step.id)' is not one of this workflow's")
            }
            if workflow.steps[index].status == .succeeded || workflow.steps[index].status == .skipped
                || (workflow.steps[index].status == .failed && workflow.steps[index].failureIgnored) {
                contexts = Self.withOutput(of: workflow.steps[index], in: contexts)
                continue
            }
            guard Self.holds(step.condition, contexts) else {
                workflow.steps[index].status = .skipped
                guard await progress(workflow) else { return workflow }
                continue
            }
            let runID = Execution.makeID(pipelineName: step.slug, at: now())
            workflow.steps[index] = FileWorkflowStep(id: step.id, status: .running, runID: runID, startedAt: now())
            // Saved while the step starts (not before): a step's start does not wait for a commit.
            let running = workflow
            async let saved = progress(running)
            let input = Self.resolve(step.input, contexts)
            let log = LogBuffer(store: core.platform.store, subject: .execution(runID))
            let (output, failure, script) = await runStep(step, input: input, runID: runID, workflow: workflow,
                                                          environment: environment, log: log)
            // The whole log is stored before the step is seen ended.
            await log.flush()
            guard await saved else { return workflow }
            workflow.steps[index].endedAt = now()
            await record(workflow.steps[index], input: input, output: output, failure: failure, script: script, workflow: workflow,
                         pipeline: pipeline)
            if let failure {
                workflow.steps[index].status = .failed
                workflow.steps[index].failureReason = failure
                if Self.holds(step.continueOnError, contexts) {
                    workflow.steps[index].failureIgnored = true
                } else {
                    return fail("step '\(step.id)' failed: \(failure)")
                }
            } else {
                workflow.steps[index].status = .succeeded
                workflow.steps[index].output = output
            }
            contexts = Self.withOutput(of: workflow.steps[index], in: contexts)
            guard await progress(workflow) else { return workflow }
        }
        FileWorkflowDispatcher.end(&workflow, status: .succeeded, reason: nil, at: now())
        return workflow
    }

    /// What every step of one workflow shares.
    struct ProtocolEnvironment {
        var organization: String
        var pipeline: FilePipeline
        var definition: CodePackage
        /// Secret reference path → secret name.
        var secretNames: [String: String]
        var object: DataObject
        /// The workspace's steps may not reach the network.
        var isolated: Bool
    }

    static func isDone(_ status: FileWorkflowStep.Status) -> Bool {
        status == .succeeded || status == .skipped || status == .failed
    }

    static func withOutput(of step: FileWorkflowStep, in contexts: [String: JSONValue]) -> [String: JSONValue] {
        var contexts = contexts
        var steps = contexts["steps"]?.objectValue ?? [:]
        steps[step.id] = .object(["output": step.output ?? .null, "status": .string(step.status.rawValue)])
        contexts["steps"] = .object(steps)
        return contexts
    }

    static func holds(_ condition: ProtocolDefinition.Condition, _ contexts: [String: JSONValue]) -> Bool {
        switch condition {
        case .fixed(let flag): return flag
        case .template(let template): return ProtocolExpression.truthy(template.evaluate(contexts))
        }
    }

    /// The input with every string evaluated as a template (an invalid one stays as it is: the
    /// upload checked them all).
    static func resolve(_ input: JSONValue, _ contexts: [String: JSONValue]) -> JSONValue {
        switch input {
        case .string(let text):
            guard let template = try? ProtocolTemplate.parse(text) else { return input }
            return template.evaluate(contexts)
        case .array(let items): return .array(items.map { resolve($0, contexts) })
        case .object(let object): return .object(object.mapValues { resolve($0, contexts) })
        case .null, .bool, .number: return input
        }
    }

    /// The secret reference paths anywhere in `value`.
    static func secretPaths(in value: JSONValue) -> Set<String> {
        switch value {
        case .object(let object):
            if object.count == 1, let path = object["ssm"]?.stringValue { return [path] }
            return object.values.reduce(into: Set<String>()) { $0.formUnion(secretPaths(in: $1)) }
        case .array(let items): return items.reduce(into: Set<String>()) { $0.formUnion(secretPaths(in: $1)) }
        case .null, .bool, .number, .string: return []
        }
    }

    /// The variable `resolve_secret` reads for a reference path (as ts-sdk names it).
    static func secretVariable(path: String) -> String {
        let parts = path.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        let key = parts.count == 4 && parts[0].isEmpty && parts[3].hasPrefix("org-secrets/")
            ? String(parts[3].dropFirst("org-secrets/".count)) : path
        // Each run of characters other than ASCII letters and digits becomes one `_`, as ts-sdk does.
        var name = "SECRET_"
        var inRun = false
        for scalar in key.unicodeScalars {
            if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) {
                name.unicodeScalars.append(scalar)
                inRun = false
            } else if !inRun {
                name += "_"
                inRun = true
            }
        }
        return name
    }

    /// Stores the step's attempt as an ended execution. A failure to store it is logged: the
    /// workflow's own record of the step stands.
    private func record(_ step: FileWorkflowStep, input: JSONValue, output: JSONValue?, failure: String?, script: CodePackage?,
                        workflow: FileWorkflow, pipeline: FilePipeline) async {
        guard let runID = step.runID, let startedAt = step.startedAt else { return }
        let execution = Execution(
            id: runID, workspaceID: workflow.workspaceID, pipelineID: pipeline.id, pipelineName: pipeline.name,
            stepID: script?.id ?? "", deploymentName: nil, trigger: .fileArrival, status: failure == nil ? .succeeded : .failed,
            createdAt: startedAt, createdBy: pipeline.createdBy, startedAt: startedAt, endedAt: step.endedAt ?? startedAt,
            failureMessage: failure)
        let inputs = (input.objectValue ?? ["input": input]).sorted { $0.key < $1.key }.map {
            ExecutionInput(name: $0.key, dataType: .json, source: .run, value: $0.value)
        }
        let outputs = output.map { [ExecutionOutput(name: "output", dataType: .json, destination: .run, value: $0)] } ?? []
        do {
            try await core.executions.recordFinished(execution, inputs: inputs, outputs: outputs)
        } catch {
            core.platform.logger.warning("the execution of step '\(step.id)' of workflow \(workflow.id) was not recorded: \(error)")
        }
    }

    /// Runs one step's function; answers its output, or why it failed, and the task script.
    private func runStep(_ step: ProtocolDefinition.Step, input: JSONValue, runID: String, workflow: FileWorkflow,
                         environment: ProtocolEnvironment, log: LogBuffer) async -> (JSONValue?, String?, CodePackage?) {
        let platform = core.platform
        guard let programs = platform.programs else { return (nil, "this server does not run task scripts", nil) }
        if environment.isolated && apiSocket == nil {
            return (nil, "the workspace's steps may not reach the network, and this server has no API socket for them "
                + "(its data directory's path is too long for one)", nil)
        }
        var masked: [String] = []
        // The task script, once its environment is built.
        var script: CodePackage?
        do {
            while !Task.isCancelled {
                script = try await core.codePackages.package(workspaceID: workflow.workspaceID, kind: .functions,
                                                             namespace: step.namespace, slug: step.slug, version: step.version)
                guard let current = script, current.status == .pending else { break }
                _ = await platform.signals.wait("code-package:\(current.id)", timeout: .seconds(2))
            }
        } catch {
            return (nil, "task script \(step.taskScriptAddress) does not exist", nil)
        }
        guard let script else { return (nil, "task script \(step.taskScriptAddress) does not exist", nil) }
        guard let function = script.manifest["functions"]?[step.function]?.stringValue else {
            return (nil, "task script \(step.taskScriptAddress) has no function '\(step.function)'", script)
        }
        guard script.status == .ready, let key = script.environmentKey, let python = platform.environments.environment(key: key) else {
            return (nil, "the environment of \(step.taskScriptAddress) is not available: " + (script.failureReason ?? "its build failed"), script)
        }
        var variables: [String: String] = [:]
        for path in Self.secretPaths(in: input).sorted() {
            guard let name = environment.secretNames[path] else { return (nil, "the input references an unknown secret '\(path)'", script) }
            do {
                let value = try await core.secrets.resolve(name: name, workspaceID: workflow.workspaceID)
                variables[Self.secretVariable(path: path)] = value
                if !value.isEmpty { masked.append(value) }
            } catch {
                return (nil, "secret '\(name)' could not be read", script)
            }
        }
        let timeout = step.timeoutSeconds ?? Self.defaultStepTimeout
        let token: String
        do {
            token = try await core.accounts.issueProgramToken(.workflowStep, runID: runID, workspaceID: workflow.workspaceID,
                                                              userID: environment.pipeline.createdBy, lifetime: .seconds(timeout))
        } catch {
            return (nil, "the step's credentials could not be issued", script)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-step-\(runID)")
        defer {
            try? FileManager.default.removeItem(at: folder)
            runs.ended(id: runID)
            Task { try? await platform.store.revokeTokens(executionID: runID) }
        }
        let context: JSONValue = .object([
            "orgSlug": .string(environment.organization), "pipelineId": .string(environment.pipeline.id),
            "workflowId": .string(workflow.id), "masterScriptNamespace": .string(environment.definition.namespace),
            "masterScriptSlug": .string(environment.definition.slug), "masterScriptVersion": .string(environment.definition.version),
            "inputFile": TetraFilePointer.pointer(environment.object, organization: environment.organization),
            "createdAt": .string(ISO8601DateFormatter().string(from: workflow.createdAt)), "taskId": .string(runID),
            "taskCreatedAt": .string(ISO8601DateFormatter().string(from: platform.now())),
            "pipelineConfig": .object([:]), "platformUrl": .string(apiURL), "platformApiUrl": .string(apiURL + "/v1"),
            "platformVersion": .string("slipway"), "taskScript": .string(step.taskScriptAddress), "taskSlug": .string(step.function),
        ])
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(input.jsonString().utf8).write(to: folder.appendingPathComponent("input.json"))
            try Data(context.jsonString().utf8).write(to: folder.appendingPathComponent("context.json"))
        } catch {
            return (nil, "the step's input could not be written", script)
        }
        runs.started(.init(workflowID: workflow.id, pipelineID: environment.pipeline.id, workspaceID: workflow.workspaceID,
                           organization: environment.organization, inputPath: environment.object.path), id: runID)
        variables["PATH"] = ((python.pythonExecutable as NSString).deletingLastPathComponent) + ":/usr/local/bin:/usr/bin:/bin"
        variables["LANG"] = "C.UTF-8"
        variables["SLIPWAY_TASK_FUNCTION"] = function
        variables["SLIPWAY_TASK_INPUT"] = folder.appendingPathComponent("input.json").path
        variables["SLIPWAY_TASK_CONTEXT"] = folder.appendingPathComponent("context.json").path
        variables["SLIPWAY_TASK_RESULT"] = folder.appendingPathComponent("result.json").path
        variables["SLIPWAY_API_URL"] = apiURL
        variables["SLIPWAY_TASK_TOKEN"] = token
        if environment.isolated, let apiSocket { variables["SLIPWAY_API_SOCKET"] = apiSocket }
        let invocation = ProgramInvocation(
            runID: runID, python: python.pythonExecutable,
            script: (programs.standIns as NSString).appendingPathComponent("slipway_task_script.py"),
            codeDirectory: platform.bundles.codeDirectory(packageID: script.id), environment: variables, timeout: .seconds(timeout),
            isolatedFromNetwork: environment.isolated)
        let lastError = LastLine()
        let secrets = masked
        let outcome = await programs.run(invocation) { line in
            var line = line
            for secret in secrets { line.message = line.message.replacingOccurrences(of: secret, with: "********") }
            if line.stream == .stderr { lastError.set(line.message) }
            log.add(line)
        }
        switch outcome {
        case .exited(0):
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("result.json")),
                  let output = try? JSONValue.parse(data) else {
                return (nil, "the function's result could not be read", script)
            }
            return (output, nil, script)
        case .exited(126): return (nil, "fatal error: " + (lastError.value ?? "raised by the task script"), script)
        case .exited(let code): return (nil, "the function failed (exit code \(code))" + (lastError.value.map { ": \($0)" } ?? ""), script)
        case .signalled(let signal): return (nil, "the step was stopped by signal \(signal)", script)
        case .timedOut(let limit): return (nil, "the step ran longer than its timeout (\(limit.components.seconds) s)", script)
        case .cancelled: return (nil, "the step was cancelled", script)
        case .unavailable(let reason): return (nil, reason, script)
        }
    }
}

/// The last line a step wrote to its standard error (what a failure says).
private final class LastLine: @unchecked Sendable {
    private let lock = NSLock()
    private var line: String?

    func set(_ text: String) {
        lock.lock()
        if !text.trimmingCharacters(in: .whitespaces).isEmpty { line = String(text.prefix(500)) }
        lock.unlock()
    }

    var value: String? {
        lock.lock()
        defer { lock.unlock() }
        return line
    }
}
