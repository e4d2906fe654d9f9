import Foundation

/// Drives one execution through its life: start, call the worker, accept its outputs, finish.
/// Every status change is proposed to `ExecutionStateMachine` and persisted with compare-and-set.
struct ExecutionRunner: Sendable {
    let platform: Platform
    let accounts: AccountService
    let dataStore: DataStoreService

    /// Where the function runs.
    enum Route: Sendable {
        /// A fresh process for this execution.
        case elastic
        /// The resident worker of a low-latency deployment, in the place reserved by the ticket.
        case resident(ResidentTicket)
    }

    /// Runs one execution to its end, whatever its trigger and mode: start (unless it was
    /// recorded started), call the worker, accept the outputs, finish. Every write is awaited:
    /// when this returns, the final state is durable, so what the caller answers is stored.
    ///
    /// With `recording`, a success is first appended as an inference record, before the
    /// execution's end is written: whoever sees the execution succeed (its caller, or a reader
    /// of its status) can already read the record. A record that cannot be stored turns the
    /// success into an error, so that no answer goes out unrecorded.
    @discardableResult
    func execute(_ execution: Execution, step: Step, workspace: Workspace, inputs: [ExecutionInput],
                 outputs: [ExecutionOutput], route: Route = .elastic, timeout: Duration? = nil,
                 alreadyStarted: Bool = false, record: DeferredRecord? = nil,
                 recording: EndpointInferenceRecording? = nil) async -> ExecutionResult {
        let logs = LogBuffer(store: platform.store, subject: .execution(execution.id))
        var machine = ExecutionStateMachine(status: alreadyStarted ? .running : .pending)
        var started = alreadyStarted
        if !started, let record, case .transition(_, let to, _) = machine.handle(.start) {
            record.started(to, at: platform.now())
            started = true
        } else if !started {
            started = await propose(.start, machine: &machine, execution: execution)
        }
        guard started else {
            if case .resident(let ticket) = route { platform.residents.release(ticket) }
            return ExecutionResult(status: machine.status, outputs: [], failureMessage: "the execution could not start")
        }
        let called = ContinuousClock.now
        let outcome = await call(execution, step: step, workspace: workspace, inputs: inputs, outputs: outputs,
                                 route: route, timeout: timeout ?? platform.limits.executionTimeout, logs: logs)
        let latency = ContinuousClock.now - called
        // Gives back a place reserved but never used (no-op when the worker ran the job).
        if case .resident(let ticket) = route { platform.residents.release(ticket) }
        var (event, produced, message) = settle(outcome, logs: logs)
        if let recording, case .succeed = event {
            do {
                try await recording.append(execution, inputs: inputs, outputs: produced, latency: latency)
            } catch {
                platform.logger.error("could not store the inference record of execution \(execution.id): \(error)")
                let text = "the inference record of this execution could not be stored"
                logs.add(LogLine(timestamp: platform.now(), stream: .system, message: text))
                (event, produced, message) = (.error(text), [], text)
            }
        }
        let remaining = await logs.takeRemaining()
        var finalStatus = machine.status
        if let record, case .transition(let from, let to, let text) = machine.handle(event) {
            do {
                finalStatus = try await conclude(record, from: from, to: to, message: text, outputs: produced, logs: remaining)
            } catch {
                platform.logger.error("could not persist execution \(execution.id): \(error)")
                return ExecutionResult(status: .error, outputs: [], failureMessage: "the execution could not be stored")
            }
        } else if record == nil, case .transition(let from, let to, let text) = machine.handle(event) {
            do {
                if try await platform.store.finishExecution(id: execution.id, from: from, to: to, at: platform.now(),
                                                            message: text, outputs: produced, logs: remaining) {
                    finalStatus = to
                }
            } catch {
                platform.logger.error("could not persist the end of execution \(execution.id): \(error)")
                var fallback = ExecutionStateMachine(status: from)
                if case .transition(let f, let t, let m) = fallback.handle(.error("could not store the outputs")),
                   (try? await platform.store.updateExecutionStatus(id: execution.id, from: f, to: t, at: platform.now(),
                                                                    message: m)) == true {
                    finalStatus = t
                    message = m
                }
                produced = []
            }
        }
        platform.signals.signal("execution:\(execution.id)")
        // Housekeeping after the answer: the token stopped working when the execution ended
        // (`authenticate` checks), and nothing reads the execution's folder any more.
        let elastic = if case .elastic = route { true } else { false }
        let hasFiles = inputs.contains { $0.dataType == .file } || outputs.contains { $0.dataType == .file }
        if elastic || hasFiles {
            let platform = platform
            let id = execution.id
            Task.detached {
                if elastic { try? await platform.store.revokeTokens(executionID: id) }
                platform.launcher.cleanUp(executionID: id)
            }
        }
        return ExecutionResult(status: finalStatus, outputs: produced, failureMessage: message)
    }

    /// Writes the end of an execution whose record was deferred: the whole execution in one
    /// write if nothing was stored yet, else the final change of what the late insert stored.
    private func conclude(_ record: DeferredRecord, from: ExecutionStatus, to: ExecutionStatus, message: String?,
                          outputs produced: [ExecutionOutput], logs: [LogLine]) async throws -> ExecutionStatus {
        let (stored, execution) = record.end()
        switch stored {
        case .notYet:
            var finished = execution
            finished.status = to
            finished.endedAt = platform.now()
            finished.failureMessage = message
            try await platform.store.recordExecution(finished, inputs: record.inputs,
                                                     outputs: produced.isEmpty ? record.outputs : produced, logs: logs)
            return to
        case .inserted(let insert, let status):
            try await insert.value
            var current = status
            if current == .pending, from == .running, let startedAt = execution.startedAt,
               try await platform.store.updateExecutionStatus(id: execution.id, from: .pending, to: .running, at: startedAt,
                                                               message: nil) {
                current = .running
            }
            let applied = try await platform.store.finishExecution(id: execution.id, from: current, to: to,
                                                                   at: platform.now(), message: message,
                                                                   outputs: produced, logs: logs)
            return applied ? to : current
        }
    }

    /// The state machine's event for an outcome, the accepted outputs, and the failure message
    /// (also added to the execution's logs).
    private func settle(_ outcome: Outcome, logs: LogBuffer)
        -> (event: ExecutionStateMachine.Event, produced: [ExecutionOutput], message: String?) {
        switch outcome {
        case .success(let values):
            return (.succeed, values, nil)
        case .failure(let event):
            var message: String?
            if case .fail(let text) = event { message = text }
            if case .error(let text) = event { message = text }
            if let message { logs.add(LogLine(timestamp: platform.now(), stream: .system, message: message)) }
            return (event, [], message)
        }
    }

    private func propose(_ event: ExecutionStateMachine.Event, machine: inout ExecutionStateMachine,
                         execution: Execution) async -> Bool {
        let action = machine.handle(event)
        guard case .transition(let from, let to, let message) = action else {
            platform.logger.warning("execution event rejected", metadata: ["execution": .string(execution.id)])
            return false
        }
        do {
            return try await platform.store.updateExecutionStatus(id: execution.id, from: from, to: to,
                                                                  at: platform.now(), message: message)
        } catch {
            platform.logger.error("could not persist execution status: \(error)")
            return false
        }
    }

    enum Outcome {
        case success([ExecutionOutput])
        case failure(ExecutionStateMachine.Event)
    }

    private func call(_ execution: Execution, step: Step, workspace: Workspace, inputs: [ExecutionInput],
                      outputs: [ExecutionOutput], route: Route, timeout: Duration, logs: LogBuffer) async -> Outcome {
        var inputs = inputs
        for index in inputs.indices where inputs[index].dataType == .file {
            guard let path = inputs[index].source.dataStorePath else { continue }
            guard let blob = try? await platform.store.object(workspaceID: workspace.id, path: path)?.blob else {
                return .failure(.fail("data store object '\(path)' no longer exists"))
            }
            inputs[index].fileBlob = blob
        }
        let (arguments, files) = workerArguments(inputs)
        let outcome: WorkerOutcome
        switch route {
        case .resident(let ticket):
            // The resident process has its code and environment already; the execution id
            // reaches the code through the job's execution context.
            let job = ResidentJob(executionID: execution.id, arguments: arguments, fileArguments: files, timeout: timeout,
                                  fileOutputs: fileOutputRequest(execution, outputs))
            outcome = await platform.residents.run(ticket, job: job) { line in
                logs.add(line)
            }
        case .elastic:
            guard let environmentKey = step.environmentKey,
                  let environment = platform.environments.environment(key: environmentKey)
            else {
                return .failure(.error("the Python environment of this pipeline is not available; recreate the pipeline"))
            }
            var environmentVariables: [String: String] = [:]
            for variable in (try? await platform.store.variables(workspaceID: workspace.id)) ?? [] {
                environmentVariables[variable.name] = variable.value
            }
            let token: String
            do {
                token = try await accounts.issueExecutionToken(for: execution, lifetime: timeout)
            } catch {
                platform.logger.error("could not issue the token of execution \(execution.id): \(error)")
                return .failure(.error("could not issue the execution token"))
            }
            environmentVariables.merge(
                platform.workerEnvironment(WorkerContext(workspace: workspace, token: token, executionID: execution.id))
            ) { _, contributed in contributed }
            let job = WorkerJob(
                executionID: execution.id, pythonExecutable: environment.pythonExecutable,
                codeDirectory: platform.bundles.codeDirectory(stepID: step.id), functionPath: step.functionPath,
                functionName: step.functionName, arguments: arguments, fileArguments: files,
                environment: environmentVariables, timeout: timeout, fileOutputs: fileOutputRequest(execution, outputs))
            outcome = await platform.launcher.run(job) { line in
                logs.add(line)
            }
        }
        if case .returned(let values) = outcome {
            do {
                return .success(try await accept(values, planned: outputs, execution: execution, workspace: workspace,
                                                 logs: logs))
            } catch {
                return .failure(.fail(outputFailure(error, execution: execution, logs: logs)))
            }
        }
        return .failure(Self.failureEvent(outcome))
    }

    /// The file outputs the worker collects into the execution's folder; nil when there are none.
    private func fileOutputRequest(_ execution: Execution, _ outputs: [ExecutionOutput]) -> FileOutputRequest? {
        let names = outputs.filter { $0.dataType == .file }.map(\.name)
        guard !names.isEmpty else { return nil }
        return FileOutputRequest(directory: platform.launcher.outputsDirectory(executionID: execution.id), names: names)
    }

    /// What the caller is told when accepting the outputs failed. Slipway's own errors say what
    /// is wrong with an output; anything else (a file system or store error, whose text may name
    /// server paths) is logged in full, for the server and in the execution's logs.
    private func outputFailure(_ error: any Error, execution: Execution, logs: LogBuffer) -> String {
        if let error = error as? SlipwayError, error.kind != .internal { return error.message }
        platform.logger.error("could not store the outputs of execution \(execution.id): \(error)")
        logs.add(LogLine(timestamp: platform.now(), stream: .system, message: "Could not store the outputs: \(error)"))
        return "the outputs could not be stored"
    }

    /// Arguments for the worker: values, and file inputs as local files.
    private func workerArguments(_ inputs: [ExecutionInput]) -> ([String: JSONValue], [String: WorkerJob.FileArgument]) {
        var arguments: [String: JSONValue] = [:]
        var files: [String: WorkerJob.FileArgument] = [:]
        for input in inputs {
            if input.dataType == .file {
                if let blob = input.fileBlob {
                    files[input.name] = .init(blob: blob, fileName: input.fileName ?? input.name)
                } else {
                    arguments[input.name] = .null
                }
            } else {
                arguments[input.name] = input.value ?? .null
            }
        }
        return (arguments, files)
    }

    /// The state machine's event for an outcome other than returned outputs.
    private static func failureEvent(_ outcome: WorkerOutcome) -> ExecutionStateMachine.Event {
        switch outcome {
        case .returned:
            return .succeed
        case .raised(let type, let message):
            return .fail("\(type): \(message)")
        case .timedOut(let limit):
            return .fail("the execution exceeded its timeout of \(limit.components.seconds) s and was stopped")
        case .crashed(let detail):
            return .fail("the worker process ended unexpectedly: \(detail)")
        case .unavailable(let detail):
            return .error("the worker could not be started: \(detail)")
        }
    }

    /// Checks the returned dict against the declared outputs, stores files and writes the
    /// outputs mapped to the data store.
    private func accept(_ values: [String: JSONValue], planned: [ExecutionOutput], execution: Execution,
                        workspace: Workspace, logs: LogBuffer) async throws -> [ExecutionOutput] {
        var result = try await acceptValues(values, planned: planned, execution: execution, logs: logs)
        for index in result.indices {
            guard let template = result[index].destination.dataStorePath else { continue }
            let path = try ObjectPath(ObjectPath.expandPlaceholders(template, executionID: execution.id, at: platform.now()))
            if let blob = result[index].fileBlob {
                try await dataStore.attachCopy(ofBlob: blob, workspaceID: workspace.id, path: path)
            } else {
                try await dataStore.putBytes((result[index].value ?? .null).jsonData(), workspaceID: workspace.id, path: path)
            }
            result[index].destination = .dataStore(path: path.value)
        }
        return result
    }

    /// The regular file at `path` if the worker collected it into `folder` (`<index>/<name>`).
    static func collectedFile(_ path: String, in folder: URL) -> URL? {
        let file = URL(fileURLWithPath: path).standardizedFileURL
        let components = file.pathComponents
        let root = folder.standardizedFileURL.pathComponents
        guard path.hasPrefix("/"), components.count == root.count + 2, Array(components.prefix(root.count)) == root,
              let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
              attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        return file
    }

    /// A returned path as error messages show it: as given, except that an absolute path into
    /// the server's own folders is reduced to its file name.
    static func shown(_ path: String, folder: URL) -> String {
        let dataDirectory = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard path.hasPrefix(dataDirectory.standardizedFileURL.path + "/") else { return path }
        return URL(fileURLWithPath: path).lastPathComponent
    }

    /// Checks the returned dict against the declared outputs and stores files (no data-store write).
    private func acceptValues(_ values: [String: JSONValue], planned: [ExecutionOutput], execution: Execution,
                              logs: LogBuffer) async throws -> [ExecutionOutput] {
        if values.count > planned.count || values.keys.contains(where: { name in !planned.contains { $0.name == name } }) {
            let declared = Set(planned.map(\.name))
            for extra in values.keys.sorted() where !declared.contains(extra) {
                logs.add(LogLine(timestamp: platform.now(), stream: .system,
                                 message: "Warning: the function returned '\(extra)', which is not a declared output; it is ignored"))
            }
        }
        var totalSize = 0
        var result: [ExecutionOutput] = []
        for var output in planned {
            guard let value = values[output.name] else {
                throw SlipwayError.badRequest("the function did not return the declared output '\(output.name)'")
            }
            try IOValueCoercion.check(value, as: output.dataType, name: output.name, role: "output")
            if output.dataType == .file, case .object(let object) = value, let path = object["path"]?.stringValue {
                // The worker copied the file into the execution's folder when the function
                // returned; a path anywhere else is one it did not find.
                let folder = platform.launcher.outputsDirectory(executionID: execution.id)
                guard let source = Self.collectedFile(path, in: folder) else {
                    throw SlipwayError.badRequest("file output '\(output.name)' points to '\(Self.shown(path, folder: folder))', "
                        + "which does not exist")
                }
                let blob = try await platform.blobs.importFile(at: source)
                output.fileBlob = blob.key
                output.fileName = source.lastPathComponent
                output.value = nil
            } else {
                if output.dataType != .file { totalSize += IOValueCoercion.encodedSize(value) }
                output.value = value
            }
            if output.destination == .null { output.value = .null }
            result.append(output)
        }
        guard totalSize <= platform.limits.maxIOBytes else {
            throw SlipwayError.tooLarge("outputs total \(totalSize) bytes; non-file outputs are limited to "
                + "\(platform.limits.maxIOBytes) bytes in all")
        }
        return result
    }
}
