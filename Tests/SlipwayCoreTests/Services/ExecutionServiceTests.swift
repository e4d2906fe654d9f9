import Foundation
import Testing

@testable import SlipwayCore

/// Runs of a pipeline, driven by `ExecutionRunner` through the service: the lifecycle, input
/// resolution, outputs, failures, and what a refused run leaves behind (nothing).
@Suite struct ExecutionServiceTests {
    static let numberIn = InputDefinition(name: "x", dataType: .number)
    static let numberOut = OutputDefinition(name: "y", dataType: .number)

    @Test func runIsStoredRunningAndSucceedsWithItsOutputs() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("double", inputs: [Self.numberIn], outputs: [Self.numberOut])
        h.launcher.hold()
        h.launcher.respond { job, _ in
            .returned(["y": .number((job.arguments["x"].flatMap { if case .number(let n) = $0 { n } else { nil } } ?? 0) * 2)])
        }
        let execution = try await h.executions.run(pipeline: pipeline, step: step, request: RunRequest(values: ["x": .number(21)],
                                                   files: [:]), workspace: h.workspace, principal: h.principal)
        #expect(execution.status == .running)
        #expect(execution.trigger == .run)
        #expect(try await h.store.execution(id: execution.id)?.status == .running)
        #expect(try await h.store.execution(id: execution.id)?.startedAt == h.clock.now)
        try await h.eventually("the worker is called") { h.launcher.jobs.count == 1 }
        h.clock.advance(by: 3)
        h.launcher.release()
        let done = try await h.finished(execution)
        #expect(done.status == .succeeded)
        #expect(done.endedAt == h.clock.now)
        #expect(done.failureMessage == nil)
        let outputs = try await h.executions.outputs(of: done)
        #expect(outputs.map(\.name) == ["y"])
        #expect(outputs.first?.value == .number(42))
        #expect(outputs.first?.destination == .run)
        let inputs = try await h.executions.inputs(of: done)
        #expect(inputs == [ExecutionInput(name: "x", dataType: .number, source: .run, value: .number(21))])
        // The execution's folder is removed after the answer.
        try await h.eventually("the execution's folder is removed") { h.launcher.cleanedUp == [execution.id] }
    }

    @Test func runningExecutionCannotBeDeleted() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("slow")
        h.launcher.hold()
        let execution = try await h.executions.run(pipeline: pipeline, step: step, request: RunRequest(values: [:], files: [:]),
                                                   workspace: h.workspace, principal: h.principal)
        try await h.eventually("the execution runs") { try await h.store.execution(id: execution.id)?.status == .running }
        await expectSlipwayError(.conflict, message: "still running") {
            try await h.executions.delete(workspaceID: h.workspace.id, id: execution.id)
        }
        #expect(try await h.store.execution(id: execution.id) != nil)
        h.launcher.release()
        _ = try await h.finished(execution)
        _ = try await h.executions.delete(workspaceID: h.workspace.id, id: execution.id)
        await expectSlipwayError(.notFound) { try await h.executions.get(workspaceID: h.workspace.id, id: execution.id) }
    }

    @Test func workerJobCarriesTheStepCodeEnvironmentAndVariables() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["REGION": .string("eu"), "SHADOWED": .string("workspace")])
        let (pipeline, step) = try await h.readyPipeline("env")
        let execution = try await h.run(pipeline, step)
        let job = try #require(h.launcher.jobs.first)
        #expect(job.executionID == execution.id)
        #expect(job.functionPath == "main.py")
        #expect(job.functionName == "run")
        #expect(job.codeDirectory == h.bundles.codeDirectory(stepID: step.id))
        #expect(job.pythonExecutable == "/fake/python3.12")
        #expect(job.timeout == .seconds(5))
        #expect(job.environment["REGION"] == "eu")
        #expect(job.environment["SHADOWED"] == "from-dialect")
        #expect(job.environment["SLIPWAY_EXECUTION_ID"] == execution.id)
        #expect(job.fileOutputs == nil)
    }

    @Test func executionTokenWorksDuringTheRunOnly() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("token")
        let seen = LockedBox<Principal?>(nil)
        let accounts = h.accounts
        h.launcher.respond { job, _ in
            seen.set(try? await accounts.authenticate(refreshToken: job.environment[ServiceHarness.tokenVariable] ?? ""))
            return .returned([:])
        }
        let execution = try await h.run(pipeline, step)
        #expect(seen.value == Principal(userID: h.principal.userID, workspaceID: h.workspace.id, kind: .execution,
                                        executionID: execution.id))
        let token = try #require(h.launcher.jobs.first?.environment[ServiceHarness.tokenVariable])
        await expectSlipwayError(.unauthorized) { try await h.accounts.authenticate(refreshToken: token) }
    }

    @Test func workerLogLinesAreStoredInOrder() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("chatty")
        h.launcher.respond { _, log in
            for index in 0..<5 { log(LogLine(timestamp: Date(), stream: .stdout, message: "line \(index)")) }
            return .returned([:])
        }
        let execution = try await h.run(pipeline, step)
        let lines = try await h.executions.logs(of: execution, query: LogQuery())
        #expect(lines.map(\.message) == (0..<5).map { "line \($0)" })
        let limited = try await h.executions.logs(of: execution, query: LogQuery(limit: 2))
        #expect(limited.map(\.message) == ["line 0", "line 1"])
    }

    /// Worker outcomes that end an execution unsuccessfully: status and failure message.
    static let failures: [(WorkerOutcome, ExecutionStatus, String)] = [
        (.raised(type: "ValueError", message: "boom"), .failed, "ValueError: boom"),
        (.timedOut(.seconds(5)), .failed, "the execution exceeded its timeout of 5 s and was stopped"),
        (.crashed("signal 9"), .failed, "the worker process ended unexpectedly: signal 9"),
        (.unavailable("no python"), .error, "the worker could not be started: no python"),
    ]

    @Test(arguments: failures.indices)
    func failedWorkerOutcomesEndTheExecutionWithTheirMessage(index: Int) async throws {
        let (outcome, status, message) = Self.failures[index]
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("failing", outputs: [Self.numberOut])
        h.launcher.respond(outcome)
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == status)
        #expect(execution.failureMessage == message)
        #expect(execution.endedAt != nil)
        let lines = try await h.executions.logs(of: execution, query: LogQuery())
        #expect(lines.last == LogLine(timestamp: h.clock.now, stream: .system, message: message))
        // Nothing was produced: the planned output keeps no value.
        #expect(try await h.executions.outputs(of: execution).first?.value == nil)
    }

    @Test func timeoutOfTheLimitsIsPassedToTheWorker() async throws {
        let h = try await ServiceHarness.make(limits: Limits(executionTimeout: .milliseconds(50), longPollHold: .seconds(1)))
        let (pipeline, step) = try await h.readyPipeline("hangs")
        // Plays a launcher that enforces the job's timeout.
        h.launcher.respond { job, _ in
            try? await Task.sleep(for: job.timeout)
            return .timedOut(job.timeout)
        }
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .failed)
        #expect(execution.failureMessage?.contains("exceeded its timeout") == true)
        #expect(h.launcher.jobs.first?.timeout == .milliseconds(50))
    }

    @Test func missingDeclaredOutputFailsTheExecution() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("forgetful", outputs: [Self.numberOut])
        h.launcher.respond(.returned([:]))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .failed)
        #expect(execution.failureMessage == "the function did not return the declared output 'y'")
    }

    @Test func outputOfTheWrongTypeFailsTheExecution() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("typed", outputs: [Self.numberOut])
        h.launcher.respond(.returned(["y": .object(["not": .string("a number")])]))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .failed)
        #expect(execution.failureMessage?.contains("y") == true)
    }

    @Test func undeclaredReturnedValueIsIgnoredWithAWarning() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("generous", outputs: [Self.numberOut])
        h.launcher.respond(.returned(["y": .number(1), "extra": .string("x")]))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .succeeded)
        #expect(try await h.executions.outputs(of: execution).map(\.name) == ["y"])
        let lines = try await h.executions.logs(of: execution, query: LogQuery())
        #expect(lines.contains { $0.message.contains("'extra', which is not a declared output") })
    }

    @Test func outputsOverTheSizeLimitFailTheExecution() async throws {
        let h = try await ServiceHarness.make(limits: Limits(maxIOBytes: 16, executionTimeout: .seconds(5)))
        let (pipeline, step) = try await h.readyPipeline("bulky", outputs: [.init(name: "text", dataType: .string)])
        h.launcher.respond(.returned(["text": .string(String(repeating: "a", count: 100))]))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .failed)
        #expect(execution.failureMessage?.contains("limited to 16 bytes") == true)
    }

    @Test func missingEnvironmentIsAPlatformError() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("lost-env")
        h.environments.forget(key: try #require(step.environmentKey))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .error)
        #expect(execution.failureMessage?.contains("environment of this pipeline is not available") == true)
        #expect(h.launcher.jobs.isEmpty)
    }

    @Test func pipelineNotReadyCannotRun() async throws {
        let h = try await ServiceHarness.make()
        h.environments.hold()
        let pending = try await h.steps.create(ServiceHarness.draft("pending"), archive: try h.archive(),
                                               workspace: h.workspace, principal: h.principal)
        let pipeline = try await h.pipelines.create(name: "p", stepName: pending.name, workspace: h.workspace,
                                                    principal: h.principal)
        await expectRefusedUnchanged(.conflict, in: h.store, message: "still being created") {
            try await h.executions.run(pipeline: pipeline, step: pending, request: RunRequest(values: [:], files: [:]),
                                       workspace: h.workspace, principal: h.principal)
        }
        h.environments.release()
        var failed = try await h.settled(pending)
        failed.status = .failed
        await expectRefusedUnchanged(.conflict, in: h.store, message: "failed to build") {
            try await h.executions.run(pipeline: pipeline, step: failed, request: RunRequest(values: [:], files: [:]),
                                       workspace: h.workspace, principal: h.principal)
        }
    }

    /// Run requests refused before anything is stored, with a word of their message.
    static let badRequests: [(String, RunRequest, String)] = [
        ("unknown input", RunRequest(values: ["x": .number(1), "zzz": .number(1)], files: [:]), "'zzz' is not an input"),
        ("missing required", RunRequest(values: [:], files: [:]), "input 'x' is required"),
        ("wrong type", RunRequest(values: ["x": .string("NaN-ish")], files: [:]), "x"),
        ("value and mapping", RunRequest(values: ["x": .number(1)], files: [:],
                                         inputsMapping: [InputMapping(input: "x", source: .constant(.number(2)))]),
         "both as a value and as a mapping"),
        ("endpoint mapping in a run", RunRequest(values: [:], files: [:],
                                                 inputsMapping: [InputMapping(input: "x", source: .endpoint(name: "x"))]),
         "not to a caller parameter"),
        ("unknown variable", RunRequest(values: [:], files: [:],
                                        inputsMapping: [InputMapping(input: "x", source: .environmentVariable(name: "NOPE"))]),
         "environment variable 'NOPE' does not exist"),
        ("data store into a number", RunRequest(values: [:], files: [:],
                                                inputsMapping: [InputMapping(input: "x", source: .dataStore(path: "a.txt"))]),
         "can only feed a file input"),
        ("unknown output", RunRequest(values: ["x": .number(1)], files: [:],
                                      outputsMapping: [OutputMapping(output: "nope", destination: .null)]),
         "'nope' is mapped but is not an output"),
    ]

    @Test(arguments: badRequests.indices)
    func badRunRequestsAreRefusedAndStoreNothing(index: Int) async throws {
        let (label, request, message) = Self.badRequests[index]
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("strict", inputs: [Self.numberIn], outputs: [Self.numberOut])
        await expectRefusedUnchanged(.badRequest, in: h.store, message: message) {
            try await h.executions.run(pipeline: pipeline, step: step, request: request, workspace: h.workspace,
                                       principal: h.principal)
        }
        #expect(h.launcher.jobs.isEmpty, "\(label)")
    }

    @Test func inputsOverTheSizeLimitAreRefused() async throws {
        let h = try await ServiceHarness.make(limits: Limits(maxIOBytes: 8, executionTimeout: .seconds(5)))
        let (pipeline, step) = try await h.readyPipeline("small", inputs: [.init(name: "s", dataType: .string)])
        await expectRefusedUnchanged(.payloadTooLarge, in: h.store) {
            try await h.executions.run(pipeline: pipeline, step: step,
                                       request: RunRequest(values: ["s": .string("far more than eight bytes")], files: [:]),
                                       workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func defaultsOptionalInputsConstantsAndVariablesAreResolved() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["RATE": .string("0.5"), "FLAGS": .string("[1,2]")])
        let inputs: [InputDefinition] = [
            .init(name: "with_default", dataType: .string, defaultValue: .string("fallback")),
            .init(name: "optional", dataType: .json, isRequired: false),
            .init(name: "constant", dataType: .boolean),
            .init(name: "rate", dataType: .number),
            .init(name: "flags", dataType: .array),
            .init(name: "nothing", dataType: .string),
        ]
        let (pipeline, step) = try await h.readyPipeline("resolved", inputs: inputs)
        let execution = try await h.run(pipeline, step, inputsMapping: [
            InputMapping(input: "constant", source: .constant(.bool(true))),
            InputMapping(input: "rate", source: .environmentVariable(name: "RATE")),
            InputMapping(input: "flags", source: .environmentVariable(name: "FLAGS")),
            InputMapping(input: "nothing", source: .null),
        ])
        #expect(execution.status == .succeeded)
        let job = try #require(h.launcher.jobs.first)
        #expect(job.arguments == ["with_default": .string("fallback"), "optional": .null, "constant": .bool(true),
                                  "rate": .number(0.5), "flags": .array([.number(1), .number(2)]), "nothing": .null])
        let stored = try await h.executions.inputs(of: execution)
        #expect(stored.map(\.source.kind) == [.run, .run, .constant, .environmentVariable, .environmentVariable, .null])
        #expect(stored[3].source == .environmentVariable(name: "RATE"))
    }

    @Test func variableThatDoesNotParseAsTheInputTypeIsRefused() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["RATE": .string("fast")])
        let (pipeline, step) = try await h.readyPipeline("typed", inputs: [Self.numberIn])
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "is not a number") {
            try await h.executions.run(pipeline: pipeline, step: step, request: RunRequest(
                values: [:], files: [:], inputsMapping: [InputMapping(input: "x", source: .environmentVariable(name: "RATE"))]),
                workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func dataStoreFileInputReachesTheWorker() async throws {
        let h = try await ServiceHarness.make()
        try await h.putObject("inputs/table.csv", "a,b\n1,2\n")
        let (pipeline, step) = try await h.readyPipeline("reads", inputs: [.init(name: "table", dataType: .file)])
        let content = LockedBox<String?>(nil)
        h.launcher.respond { job, _ in
            content.set(job.fileArguments["table"].flatMap { h.blobs.data($0.blob).map { String(decoding: $0, as: UTF8.self) } })
            return .returned([:])
        }
        let execution = try await h.run(pipeline, step, inputsMapping: [
            InputMapping(input: "table", source: .dataStore(path: "inputs/table.csv")),
        ])
        #expect(execution.status == .succeeded)
        #expect(content.value == "a,b\n1,2\n")
        #expect(h.launcher.jobs.first?.fileArguments["table"]?.fileName == "table.csv")
    }

    @Test func missingDataStoreInputIsNotFoundAndStoresNothing() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("reads", inputs: [.init(name: "table", dataType: .file)])
        await expectRefusedUnchanged(.notFound, in: h.store, message: "inputs/none.csv") {
            try await h.executions.run(pipeline: pipeline, step: step, request: RunRequest(
                values: [:], files: [:], inputsMapping: [InputMapping(input: "table", source: .dataStore(path: "inputs/none.csv"))]),
                workspace: h.workspace, principal: h.principal)
        }
    }

    @Test func uploadedFileIsKeptForTheRunAndDeletedWithIt() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("upload", inputs: [.init(name: "doc", dataType: .file)])
        let content = LockedBox<String?>(nil)
        h.launcher.respond { job, _ in
            content.set(job.fileArguments["doc"].flatMap { h.blobs.data($0.blob).map { String(decoding: $0, as: UTF8.self) } })
            return .returned([:])
        }
        let execution = try await h.run(pipeline, step, files: ["doc": try h.upload("hello file", fileName: "doc.txt")])
        #expect(content.value == "hello file")
        let input = try #require(try await h.executions.inputs(of: execution).first)
        let blob = try #require(input.fileBlob)
        #expect(input.fileName == "doc.txt")
        #expect(h.blobs.data(blob) == Data("hello file".utf8))
        _ = try await h.executions.delete(workspaceID: h.workspace.id, id: execution.id)
        #expect(h.blobs.data(blob) == nil)
    }

    @Test func fileOutputIsImportedAndCanBeCopiedToTheDataStore() async throws {
        let h = try await ServiceHarness.make()
        let outputs: [OutputDefinition] = [.init(name: "report", dataType: .file), .init(name: "saved", dataType: .file)]
        let (pipeline, step) = try await h.readyPipeline("writes", outputs: outputs)
        let launcher = h.launcher
        launcher.respond { job, _ in
            let report = try? launcher.collectFileOutput(executionID: job.executionID, index: 0, fileName: "report.txt",
                                                         text: "summary")
            let saved = try? launcher.collectFileOutput(executionID: job.executionID, index: 1, fileName: "saved.txt",
                                                        text: "kept")
            return .returned(["report": .object(["path": .string(report ?? "")]),
                              "saved": .object(["path": .string(saved ?? "")])])
        }
        let execution = try await h.run(pipeline, step, outputsMapping: [
            OutputMapping(output: "saved", destination: .dataStore(path: "results/{execution_id}.txt")),
        ])
        #expect(execution.status == .succeeded, "\(execution.failureMessage ?? "")")
        #expect(h.launcher.jobs.first?.fileOutputs?.names == ["report", "saved"])
        let stored = try await h.executions.outputs(of: execution)
        let report = try #require(stored.first { $0.name == "report" })
        #expect(report.fileName == "report.txt")
        #expect(h.blobs.data(try #require(report.fileBlob)) == Data("summary".utf8))
        let object = try await h.dataStore.information(workspaceID: h.workspace.id, path: "results/\(execution.id).txt")
        #expect(h.blobs.data(object.blob) == Data("kept".utf8))
        #expect(stored.first { $0.name == "saved" }?.destination == .dataStore(path: "results/\(execution.id).txt"))
    }

    @Test func fileOutputOutsideTheCollectedFolderFailsTheExecution() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("escapes", outputs: [.init(name: "report", dataType: .file)])
        h.launcher.respond(.returned(["report": .object(["path": .string("/etc/passwd")])]))
        let execution = try await h.run(pipeline, step)
        #expect(execution.status == .failed)
        #expect(execution.failureMessage == "file output 'report' points to '/etc/passwd', which does not exist")
    }

    @Test func numberOutputMappedToTheDataStoreIsWrittenAsJSON() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("scores", outputs: [Self.numberOut])
        h.launcher.respond(.returned(["y": .number(7)]))
        let execution = try await h.run(pipeline, step, outputsMapping: [
            OutputMapping(output: "y", destination: .dataStore(path: "scores/latest.json")),
        ])
        #expect(execution.status == .succeeded)
        let object = try await h.dataStore.information(workspaceID: h.workspace.id, path: "scores/latest.json")
        #expect(try JSONValue.parse(try #require(h.blobs.data(object.blob))) == .number(7))
    }

    @Test func listIsNewestFirstAndLatestIsTheNewest() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("often")
        let (other, otherStep) = try await h.readyPipeline("other")
        let first = try await h.run(pipeline, step)
        h.clock.advance(by: 1)
        let second = try await h.run(pipeline, step)
        h.clock.advance(by: 1)
        let third = try await h.run(other, otherStep)
        #expect(try await h.executions.list(workspaceID: h.workspace.id, pipelineName: "often").map(\.id) == [second.id, first.id])
        #expect(try await h.executions.list(workspaceID: h.workspace.id, pipelineName: nil).map(\.id)
            == [third.id, second.id, first.id])
        #expect(try await h.executions.latest(workspaceID: h.workspace.id, pipelineName: "often")?.id == second.id)
    }

    @Test func executionOfAnotherWorkspaceIsNotFound() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("mine")
        let execution = try await h.run(pipeline, step)
        let other = try await h.accounts.createWorkspace(named: "other")
        await expectSlipwayError(.notFound) { try await h.executions.get(workspaceID: other.id, id: execution.id) }
    }

    @Test func waitForCompletionReturnsOnceTheExecutionEnds() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("waited")
        h.launcher.hold()
        let execution = try await h.executions.run(pipeline: pipeline, step: step, request: RunRequest(values: [:], files: [:]),
                                                   workspace: h.workspace, principal: h.principal)
        let launcher = h.launcher
        let release = Task {
            try await Task.sleep(for: .milliseconds(30))
            launcher.release()
        }
        let done = try await h.executions.waitForCompletion(workspaceID: h.workspace.id, id: execution.id)
        try await release.value
        #expect(done.status == .succeeded)
    }

    @Test func interruptedExecutionsAreMarkedAsErrorsAtStartUp() async throws {
        let h = try await ServiceHarness.make()
        func stored(_ id: String, _ status: ExecutionStatus) async throws {
            try await h.store.insertExecution(
                Execution(id: id, workspaceID: h.workspace.id, pipelineID: "p", pipelineName: "p", stepID: "s",
                          deploymentName: nil, trigger: .run, status: status, createdAt: h.clock.now,
                          createdBy: h.principal.userID), inputs: [], outputs: [])
        }
        try await stored("p-pending", .pending)
        try await stored("p-running", .running)
        try await stored("p-done", .succeeded)
        #expect(try await h.executions.recoverInterrupted() == 2)
        #expect(try await h.store.execution(id: "p-pending")?.status == .error)
        #expect(try await h.store.execution(id: "p-running")?.failureMessage
            == "the server stopped while this execution was running; run it again")
        #expect(try await h.store.execution(id: "p-done")?.status == .succeeded)
        #expect(try await h.store.logs(subject: .execution("p-running"), query: LogQuery()).count == 1)
        #expect(try await h.executions.recoverInterrupted() == 0)
    }

    @Test func nullOutputMappingDropsTheValue() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("quiet", outputs: [Self.numberOut])
        h.launcher.respond(.returned(["y": .number(9)]))
        let execution = try await h.run(pipeline, step, outputsMapping: [OutputMapping(output: "y", destination: .null)])
        #expect(execution.status == .succeeded)
        let output = try #require(try await h.executions.outputs(of: execution).first)
        #expect(output.destination == .null)
        #expect(output.value == .null)
    }

    @Test func secretVariableValuesStayOutOfTheExecutionRecord() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["API_KEY": .string("sk-very-secret-value")])
        let (pipeline, step) = try await h.readyPipeline("uses-key")
        let execution = try await h.run(pipeline, step)
        // The worker gets the variable; the stored execution, its inputs and logs do not hold it.
        #expect(h.launcher.jobs.first?.environment["API_KEY"] == "sk-very-secret-value")
        #expect(!"\(execution)".contains("sk-very-secret-value"))
        #expect(!"\(try await h.executions.inputs(of: execution))".contains("sk-very-secret-value"))
        #expect(!"\(try await h.executions.logs(of: execution, query: LogQuery()))".contains("sk-very-secret-value"))
        // Neither does any stored token: only hashes are kept.
        let token = try #require(h.launcher.jobs.first?.environment[ServiceHarness.tokenVariable])
        #expect(!"\(h.store.snapshot.tokens)".contains(token))
    }

    @Test func runWhoseInsertFailsDeletesTheUploadedFileAndRunsNothing() async throws {
        let h = try await ServiceHarness.make()
        let (pipeline, step) = try await h.readyPipeline("upload", inputs: [.init(name: "doc", dataType: .file)])
        let blobs = h.blobs.keys()
        h.store.failNext(.insertExecution)
        await expectRefusedUnchanged(.internal, in: h.store, message: "injected") {
            try await h.executions.run(pipeline: pipeline, step: step,
                                       request: RunRequest(values: [:], files: ["doc": try h.upload("content")]),
                                       workspace: h.workspace, principal: h.principal)
        }
        #expect(h.blobs.keys() == blobs)
        #expect(h.launcher.jobs.isEmpty)
    }
}
