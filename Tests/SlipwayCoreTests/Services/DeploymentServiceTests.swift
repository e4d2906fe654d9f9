import Foundation
import Testing

@testable import SlipwayCore

/// Deployments: creation rules (nothing stored when refused), statuses, enable/disable,
/// endpoint tokens both ways, triggering executions with their mappings, and deletion rules.
@Suite struct DeploymentServiceTests {
    static let inputs: [InputDefinition] = [.init(name: "x", dataType: .number), .init(name: "label", dataType: .string)]
    static let outputs: [OutputDefinition] = [.init(name: "y", dataType: .number)]

    /// A harness with a ready pipeline `model` (inputs x, label; output y).
    static func harness() async throws -> ServiceHarness {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: inputs, outputs: outputs)
        return h
    }

    static func endpoint(_ name: String = "serve", mode: DeploymentMode = .elastic, token: String? = nil,
                         inputs: [InputMapping] = [], outputs: [OutputMapping] = [], path: String? = nil,
                         timeout: Int? = nil) -> DeploymentRequest {
        DeploymentRequest(pipelineName: "model", name: name, rule: .endpoint, mode: mode, executionTimeoutSeconds: timeout,
                          endpointPath: path, endpointToken: token, inputsMapping: inputs, outputsMapping: outputs)
    }

    static let periodicMappings: [InputMapping] = [
        InputMapping(input: "x", source: .constant(.number(1))),
        InputMapping(input: "label", source: .null),
    ]

    func create(_ h: ServiceHarness, _ request: DeploymentRequest) async throws -> Deployment {
        try await h.deployments.create(request, workspace: h.workspace, principal: h.principal)
    }

    // MARK: - Creation

    @Test func elasticEndpointIsReadyAtOnceWithItsPathAndAHashedToken() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(token: "endpoint-token-0123456789"))
        #expect(deployment.status == .ready)
        #expect(deployment.isEnabled)
        #expect(deployment.endpointPath == "serve")
        #expect(deployment.endpointTokenHash == AccountService.hash("endpoint-token-0123456789"))
        #expect(deployment.inputsMapping == [InputMapping(input: "x", source: .endpoint(name: "x")),
                                             InputMapping(input: "label", source: .endpoint(name: "label"))])
        #expect(deployment.outputsMapping == [OutputMapping(output: "y", destination: .endpoint(name: "y"))])
        #expect(!deployment.parallelExecutions)
        #expect(try await h.deployments.get(workspaceID: h.workspace.id, name: "serve") == deployment)
        #expect(h.deployments.endpointToken(of: deployment) == "endpoint-token-0123456789")
        let logs = try await h.deployments.logs(deployment, query: LogQuery())
        #expect(logs.map(\.message) == ["Deployment created (endpoint, elastic)"])
    }

    @Test func endpointTokenNeverAppearsInClearInTheStoreListingsOrLogs() async throws {
        let h = try await Self.harness()
        let token = "endpoint-token-visible-only-once"
        let deployment = try await create(h, Self.endpoint(token: token))
        #expect(!"\(h.store.snapshot)".contains(token))
        #expect(!"\(try await h.deployments.list(workspaceID: h.workspace.id))".contains(token))
        #expect(!"\(deployment)".contains(token))
        _ = try await h.deployments.rotateToken(workspaceID: h.workspace.id, name: "serve", token: "rotated-token-0123456789")
        #expect(!"\(h.store.snapshot)".contains("rotated-token-0123456789"))
    }

    @Test func generatedEndpointTokenIsReturnedThroughTheSealedCopy() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint())
        let token = try #require(h.deployments.endpointToken(of: deployment))
        #expect(token.hasPrefix("swe_"))
        #expect(deployment.endpointTokenHash == AccountService.hash(token))
    }

    @Test func duplicateDeploymentNameIsAConflict() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint())
        await expectRefusedUnchanged(.conflict, in: h.store, message: "already exists") {
            try await create(h, Self.endpoint(path: "elsewhere"))
        }
    }

    @Test func endpointPathUsedByAnotherDeploymentIsAConflict() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint("first", path: "predict"))
        await expectRefusedUnchanged(.conflict, in: h.store, message: "endpoint path 'predict'") {
            try await create(h, Self.endpoint("second", path: "predict"))
        }
    }

    @Test(arguments: ["v1/predict", "a/../b", "a//b", "spaces not allowed", String(repeating: "p", count: 201)])
    func invalidEndpointPathsAreRefused(path: String) async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "endpoint_url_path") {
            try await create(h, Self.endpoint(path: path))
        }
    }

    @Test(arguments: ["too-short", "has a space in it ....", String(repeating: "t", count: 513)])
    func invalidEndpointTokensAreRefused(token: String) async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "16 to 512") {
            try await create(h, Self.endpoint(token: token))
        }
    }

    @Test func unknownPipelineIsNotFound() async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await create(h, DeploymentRequest(pipelineName: "ghost", name: "d", rule: .endpoint, mode: .elastic))
        }
    }

    @Test func pipelineStillBuildingOrFailedCannotBeDeployed() async throws {
        let h = try await Self.harness()
        h.environments.hold()
        let pending = try await h.steps.create(ServiceHarness.draft("later"), archive: try h.archive(),
                                               workspace: h.workspace, principal: h.principal)
        _ = try await h.pipelines.create(name: "later", stepName: pending.name, workspace: h.workspace, principal: h.principal)
        await expectRefusedUnchanged(.conflict, in: h.store, message: "still being created") {
            try await create(h, DeploymentRequest(pipelineName: "later", name: "d", rule: .endpoint, mode: .elastic))
        }
        h.environments.failBuilds("broken")
        h.environments.release()
        #expect(try await h.settled(pending).status == .failed)
        await expectRefusedUnchanged(.conflict, in: h.store, message: "failed to build") {
            try await create(h, DeploymentRequest(pipelineName: "later", name: "d", rule: .endpoint, mode: .elastic))
        }
    }

    @Test func badMappingsAreRefused() async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "'zzz' is mapped but is not an input") {
            try await create(h, Self.endpoint(inputs: [InputMapping(input: "zzz", source: .constant(.number(1)))]))
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "constant for input") {
            try await create(h, Self.endpoint(inputs: [InputMapping(input: "x", source: .constant(.string("one")))]))
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "used twice") {
            try await create(h, Self.endpoint(inputs: [InputMapping(input: "x", source: .endpoint(name: "same")),
                                                       InputMapping(input: "label", source: .endpoint(name: "same"))]))
        }
    }

    @Test func periodicDeploymentMustMapEveryInputAndHaveAValidSchedule() async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "periodic deployment must map every input") {
            try await create(h, DeploymentRequest(pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic,
                                                  schedule: "0 3 * * *"))
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "not a valid cron expression") {
            try await create(h, DeploymentRequest(pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic,
                                                  schedule: "every night", inputsMapping: Self.periodicMappings,
                                                  outputsMapping: [OutputMapping(output: "y", destination: .null)]))
        }
    }

    @Test func periodicDeploymentStartsFromTheCurrentMinuteWithoutEndpoint() async throws {
        let h = try await Self.harness()
        h.clock.advance(by: 42)
        let deployment = try await create(h, DeploymentRequest(
            pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: " 0 3 * * * ",
            inputsMapping: Self.periodicMappings, outputsMapping: [OutputMapping(output: "y", destination: .null)]))
        #expect(deployment.status == .ready)
        #expect(deployment.schedule == "0 3 * * *")
        #expect(deployment.endpointPath == nil)
        #expect(deployment.endpointTokenHash == nil)
        #expect(deployment.lastScheduledAt == DeploymentService.scheduleMark(h.clock.now))
        await expectSlipwayError(.badRequest, message: "not an endpoint") {
            try await h.deployments.rotateToken(workspaceID: h.workspace.id, name: "nightly", token: nil)
        }
    }

    @Test func parallelExecutionsAreOnlyForLowLatency() async throws {
        let h = try await Self.harness()
        var request = Self.endpoint("elastic")
        request.parallelExecutions = true
        request.maxParallelExecutions = 4
        let elastic = try await create(h, request)
        #expect(!elastic.parallelExecutions)
        #expect(elastic.maxParallelExecutions == 1)
        var low = Self.endpoint("low", mode: .lowLatency)
        low.parallelExecutions = true
        let lowLatency = try await create(h, low)
        #expect(lowLatency.parallelExecutions)
        #expect(lowLatency.maxParallelExecutions == DeploymentRequest.defaultMaxParallel)
        #expect(h.residents.specs.last?.concurrency == DeploymentRequest.defaultMaxParallel)
    }

    @Test func deploymentsAreListedInCreationOrder() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint("b-second"))
        h.clock.advance(by: 1)
        _ = try await create(h, Self.endpoint("a-third"))
        #expect(try await h.deployments.list(workspaceID: h.workspace.id).map(\.name) == ["b-second", "a-third"])
    }

    // MARK: - Low-latency workers

    @Test func lowLatencyDeploymentStartsItsWorkerAndBecomesReady() async throws {
        let h = try await Self.harness()
        try await h.variables.set(workspaceID: h.workspace.id, ["REGION": .string("eu"), "SHADOWED": .string("workspace")])
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency, timeout: 9))
        #expect(deployment.status == .starting)
        let ready = try await h.deployments.waitForFinalStatus(workspaceID: h.workspace.id, name: "serve")
        #expect(ready.status == .ready)
        let spec = try #require(h.residents.specs.first)
        #expect(spec.deploymentID == deployment.id)
        #expect(spec.executionTimeout == .seconds(9))
        #expect(spec.concurrency == 1)
        #expect(spec.environment["REGION"] == "eu")
        #expect(spec.environment["SHADOWED"] == "from-dialect")
        let token = try #require(spec.environment[ServiceHarness.tokenVariable])
        let principal = try await h.accounts.authenticate(refreshToken: token)
        #expect(principal.kind == .deployment)
        #expect(principal.executionID == deployment.id)
        #expect(await h.deployments.pods(ready).count == 1)
    }

    @Test func workerThatFailsToLoadMarksTheDeploymentFailedAndRefusesCalls() async throws {
        let h = try await Self.harness()
        h.residents.setStartOutcome(.failed("ImportError: no module named torch"))
        _ = try await create(h, Self.endpoint(mode: .lowLatency))
        let failed = try await h.deployments.get(workspaceID: h.workspace.id, name: "serve")
        #expect(failed.status == .failed)
        let logs = try await h.deployments.logs(failed, query: LogQuery()).map(\.message)
        #expect(logs.contains("Status failed: ImportError: no module named torch"))
        await expectRefusedUnchanged(.unavailable, in: h.store, code: .deploymentWorkerFailed) {
            try await h.deployments.trigger(failed, values: ["x": .number(1), "label": .string("a")], files: [:],
                                            trigger: .endpoint)
        }
    }

    @Test func lostWorkerGoesRestartingThenReadyAgain() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        let line = LogLine(timestamp: Date(), stream: .system, message: "worker died")
        await h.residents.report(.status(.workerLost("killed (OOM)"), line), to: deployment.id)
        #expect(try await h.deployments.get(workspaceID: h.workspace.id, name: "serve").status == .restarting)
        await h.residents.report(.status(.workerReady, line), to: deployment.id)
        #expect(try await h.deployments.get(workspaceID: h.workspace.id, name: "serve").status == .ready)
    }

    @Test func busyLowLatencyDeploymentRefusesWithTooManyRequests() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        h.residents.setQueueFull(true)
        await expectRefusedUnchanged(.tooManyRequests, in: h.store, message: "busy") {
            try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a")], files: [:],
                                            trigger: .endpoint)
        }
    }

    @Test func reloadWithNoChangeRestartsTheWorkerWithANewGeneration() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint(mode: .lowLatency))
        let reloaded = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve", changes: DeploymentChanges(),
                                                      principal: h.principal)
        #expect(reloaded.generation == 2)
        #expect(h.residents.specs.map(\.generation) == [1, 2])
    }

    @Test func lowLatencyExecutionRecordedOnceAtTheEnd() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        h.residents.respond { job in .returned(["y": job.arguments["x"] ?? .null]) }
        let writes = h.store.writeCount
        let began = ContinuousClock.now
        let (execution, handle) = try await h.deployments.trigger(deployment, values: ["x": .number(5), "label": .string("a")],
                                                                  files: [:], trigger: .endpoint, announcesID: false)
        let result = try #require(await handle.result(within: .seconds(5)))
        let elapsed = ContinuousClock.now - began
        #expect(result.status == .succeeded)
        #expect(result.outputs.first?.value == .number(5))
        let stored = try #require(try await h.store.execution(id: execution.id))
        #expect(stored.status == .succeeded)
        #expect(stored.deploymentName == "serve")
        #expect(stored.trigger == .endpoint)
        #expect(try await h.store.outputs(executionID: execution.id).first?.value == .number(5))
        // One write: the finished execution (the deferred record), nothing before it ran. On a
        // machine so busy that the run outlasted `DeferredRecord.lateInsert`, the execution was
        // inserted while running, then finished: two writes.
        if elapsed < DeferredRecord.lateInsert - .milliseconds(100) {
            #expect(h.store.writeCount == writes + 1)
        } else {
            #expect((writes + 1...writes + 2).contains(h.store.writeCount))
        }
        #expect(h.residents.released.count == 1)
    }

    // MARK: - Endpoint authentication

    @Test func endpointTokenIsAcceptedForItsOwnEndpointOnly() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint("one", token: "token-of-endpoint-one"))
        _ = try await create(h, Self.endpoint("two", token: "token-of-endpoint-two"))
        let found = try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "one",
                                                                 token: "token-of-endpoint-one")
        #expect(found.name == "one")
        for token in [nil, "", "token-of-endpoint-two", "wrong-token-for-this-endpoint", String(repeating: "x", count: 600)] {
            await expectSlipwayError(.unauthorized) {
                try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "one", token: token)
            }
        }
        await expectSlipwayError(.unauthorized) {
            try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "three", token: "token-of-endpoint-one")
        }
        let other = try await h.accounts.createWorkspace(named: "other")
        await expectSlipwayError(.unauthorized) {
            try await h.deployments.authenticateEndpoint(workspaceID: other.id, path: "one", token: "token-of-endpoint-one")
        }
    }

    @Test func rotatedTokenReplacesThePreviousOneAtOnce() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint(token: "first-endpoint-token-000"))
        // Cached by a first call: the rotation must still take effect.
        _ = try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "serve",
                                                         token: "first-endpoint-token-000")
        let rotated = try await h.deployments.rotateToken(workspaceID: h.workspace.id, name: "serve", token: nil)
        await expectSlipwayError(.unauthorized) {
            try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "serve",
                                                         token: "first-endpoint-token-000")
        }
        let found = try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "serve", token: rotated)
        #expect(found.name == "serve")
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.deployments.rotateToken(workspaceID: h.workspace.id, name: "serve", token: "short")
        }
    }

    // MARK: - Enable / disable

    @Test func disabledDeploymentRefusesExecutionsUntilEnabled() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint())
        let disabled = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                      changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        #expect(disabled.status == .disabled)
        #expect(!disabled.isEnabled)
        await expectRefusedUnchanged(.forbidden, in: h.store, code: .deploymentDisabled) {
            try await h.deployments.trigger(disabled, values: ["x": .number(1), "label": .string("a")], files: [:],
                                            trigger: .endpoint)
        }
        let enabled = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                     changes: DeploymentChanges(isEnabled: true), principal: h.principal)
        #expect(enabled.status == .ready)
        #expect(enabled.isEnabled)
        let logs = try await h.deployments.logs(enabled, query: LogQuery()).map(\.message)
        #expect(logs.contains("Deployment disabled"))
        #expect(logs.contains("Deployment enabled"))
    }

    @Test func disablingTwiceChangesNothingTheSecondTime() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint())
        _ = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                           changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        let logs = try await h.deployments.logs(try await h.deployments.get(workspaceID: h.workspace.id, name: "serve"),
                                                query: LogQuery()).count
        let again = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                   changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        #expect(again.status == .disabled)
        #expect(try await h.deployments.logs(again, query: LogQuery()).count == logs)
    }

    @Test func disablingALowLatencyDeploymentStopsItsWorkerAndEnablingRestartsIt() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        _ = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                           changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        #expect(h.residents.stopped == [deployment.id])
        #expect(!h.residents.isRunning(deployment.id))
        let enabled = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                     changes: DeploymentChanges(isEnabled: true), principal: h.principal)
        #expect(enabled.status == .ready)
        #expect(h.residents.specs.count == 2)
        #expect(h.residents.isRunning(deployment.id))
    }

    @Test func enablingAPeriodicDeploymentSkipsTheMissedSlots() async throws {
        let h = try await Self.harness()
        _ = try await create(h, DeploymentRequest(
            pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: "* * * * *",
            inputsMapping: Self.periodicMappings, outputsMapping: [OutputMapping(output: "y", destination: .null)]))
        _ = try await h.deployments.update(workspaceID: h.workspace.id, name: "nightly",
                                           changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        h.clock.advance(by: 3600)
        let enabled = try await h.deployments.update(workspaceID: h.workspace.id, name: "nightly",
                                                     changes: DeploymentChanges(isEnabled: true), principal: h.principal)
        #expect(enabled.lastScheduledAt == DeploymentService.scheduleMark(h.clock.now))
    }

    // MARK: - Updates

    @Test func scheduleCanOnlyBeSetOnAPeriodicDeployment() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint())
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "periodic") {
            try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                           changes: DeploymentChanges(schedule: "* * * * *"), principal: h.principal)
        }
    }

    @Test func updateChangesAMappingsValueButNotItsKind() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint(inputs: [InputMapping(input: "x", source: .constant(.number(1)))]))
        let updated = try await h.deployments.update(
            workspaceID: h.workspace.id, name: "serve",
            changes: DeploymentChanges(inputsMapping: [InputMapping(input: "x", source: .constant(.number(2)))]),
            principal: h.principal)
        #expect(updated.inputsMapping.first == InputMapping(input: "x", source: .constant(.number(2))))
        #expect(updated.inputsMapping.count == 2)
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "not its kind") {
            try await h.deployments.update(
                workspaceID: h.workspace.id, name: "serve",
                changes: DeploymentChanges(inputsMapping: [InputMapping(input: "x", source: .endpoint(name: "x"))]),
                principal: h.principal)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "'nope'") {
            try await h.deployments.update(
                workspaceID: h.workspace.id, name: "serve",
                changes: DeploymentChanges(inputsMapping: [InputMapping(input: "nope", source: .constant(.number(2)))]),
                principal: h.principal)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.deployments.update(
                workspaceID: h.workspace.id, name: "serve",
                changes: DeploymentChanges(inputsMapping: [InputMapping(input: "x", source: .constant(.string("two")))]),
                principal: h.principal)
        }
    }

    // MARK: - Triggering

    @Test func triggerResolvesEndpointValuesConstantsVariablesDataStoreAndDefaults() async throws {
        let h = try await ServiceHarness.make()
        try await h.variables.set(workspaceID: h.workspace.id, ["THRESHOLD": .string("0.75")])
        try await h.putObject("refs/table.csv", "id\n1\n")
        let inputs: [InputDefinition] = [
            .init(name: "x", dataType: .number), .init(name: "mode", dataType: .string),
            .init(name: "threshold", dataType: .number), .init(name: "table", dataType: .file),
            .init(name: "note", dataType: .string),
        ]
        _ = try await h.readyPipeline("model", inputs: inputs, outputs: Self.outputs)
        let deployment = try await create(h, Self.endpoint(inputs: [
            InputMapping(input: "x", source: .endpoint(name: "value")),
            InputMapping(input: "mode", source: .constant(.string("fast"))),
            InputMapping(input: "threshold", source: .environmentVariable(name: "THRESHOLD")),
            InputMapping(input: "table", source: .dataStore(path: "refs/table.csv")),
            InputMapping(input: "note", source: .endpoint(name: "note", required: false, default: .string("none"))),
        ]))
        let table = LockedBox<String?>(nil)
        h.launcher.respond { job, _ in
            table.set(job.fileArguments["table"].flatMap { h.blobs.data($0.blob).map { String(decoding: $0, as: UTF8.self) } })
            return .returned(["y": .number(1)])
        }
        let (execution, handle) = try await h.deployments.trigger(deployment, values: ["value": .number(3)], files: [:],
                                                                  trigger: .endpoint)
        #expect(execution.deploymentName == "serve")
        let result = try #require(await handle.result(within: .seconds(10)))
        #expect(result.status == .succeeded)
        let job = try #require(h.launcher.jobs.first)
        #expect(job.arguments == ["x": .number(3), "mode": .string("fast"), "threshold": .number(0.75),
                                  "note": .string("none")])
        #expect(table.value == "id\n1\n")
        #expect(try await h.store.inputs(executionID: execution.id).map(\.source.kind)
            == [.endpoint, .constant, .environmentVariable, .dataStore, .endpoint])
    }

    @Test func triggerWithBadInputsStoresNothing() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint())
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "input 'label' is required") {
            try await h.deployments.trigger(deployment, values: ["x": .number(1)], files: [:], trigger: .endpoint)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "'other' is not an input of this endpoint") {
            try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a"), "other": .null],
                                            files: [:], trigger: .endpoint)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await h.deployments.trigger(deployment, values: ["x": .string("one"), "label": .string("a")], files: [:],
                                            trigger: .endpoint)
        }
        #expect(h.launcher.jobs.isEmpty)
    }

    @Test func missingDataStoreInputIsNotFoundBeforeAnythingIsStored() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: [.init(name: "table", dataType: .file)], outputs: [])
        let deployment = try await create(h, Self.endpoint(inputs: [
            InputMapping(input: "table", source: .dataStore(path: "refs/gone.csv")),
        ]))
        await expectRefusedUnchanged(.notFound, in: h.store, message: "refs/gone.csv") {
            try await h.deployments.trigger(deployment, values: [:], files: [:], trigger: .endpoint)
        }
    }

    @Test func deploymentTimeoutIsPassedToTheWorker() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(timeout: 7))
        h.launcher.respond(.timedOut(.seconds(7)))
        let (_, handle) = try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a")],
                                                          files: [:], trigger: .endpoint)
        let result = try #require(await handle.result(within: .seconds(10)))
        #expect(result.status == .failed)
        #expect(result.failureMessage == "the execution exceeded its timeout of 7 s and was stopped")
        #expect(h.launcher.jobs.first?.timeout == .seconds(7))
    }

    @Test func executionsOfADeploymentAreListedNewestFirst() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint())
        var ids: [String] = []
        for value in 1...3 {
            let (execution, handle) = try await h.deployments.trigger(
                deployment, values: ["x": .number(Double(value)), "label": .string("a")], files: [:], trigger: .endpoint)
            _ = await handle.result(within: .seconds(10))
            ids.append(execution.id)
            h.clock.advance(by: 1)
        }
        #expect(try await h.deployments.executions(of: deployment).map(\.id) == ids.reversed())
        #expect(try await h.deployments.latestExecution(deployment)?.id == ids.last)
    }

    // MARK: - Deletion

    @Test func pipelineUsedByDeploymentsCannotBeDeletedAlone() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint("a"))
        _ = try await create(h, Self.endpoint("b"))
        let error = await expectSlipwayError(.conflict, code: .pipelineHasDeployments, message: "'a', 'b'") {
            try await h.deployments.deletePipeline(workspaceID: h.workspace.id, name: "model", withDeployments: false,
                                                   pipelines: h.pipelines)
        }
        #expect(error?.details == .object(["pipeline": .string("model"), "deployments": .array([.string("a"), .string("b")])]))
        #expect(try await h.store.pipeline(workspaceID: h.workspace.id, name: "model") != nil)
        #expect(try await h.deployments.list(workspaceID: h.workspace.id).count == 2)
    }

    @Test func pipelineDeletedWithItsDeployments() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint("a"))
        let (pipeline, removed) = try await h.deployments.deletePipeline(workspaceID: h.workspace.id, name: "model",
                                                                          withDeployments: true, pipelines: h.pipelines)
        #expect(pipeline.name == "model")
        #expect(removed.map(\.name) == ["a"])
        #expect(try await h.deployments.list(workspaceID: h.workspace.id).isEmpty)
        #expect(try await h.store.pipeline(workspaceID: h.workspace.id, name: "model") == nil)
    }

    @Test func deletingADeploymentRemovesItsExecutionsLogsAndWorkerToken() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        let token = try #require(h.residents.specs.first?.environment[ServiceHarness.tokenVariable])
        let (execution, handle) = try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a")],
                                                                  files: [:], trigger: .endpoint)
        _ = await handle.result(within: .seconds(10))
        let deleted = try await h.deployments.delete(workspaceID: h.workspace.id, name: "serve")
        #expect(deleted.id == deployment.id)
        #expect(h.residents.stopped == [deployment.id])
        #expect(try await h.store.execution(id: execution.id) == nil)
        #expect(try await h.store.logs(subject: .deployment(deployment.id), query: LogQuery()).isEmpty)
        await expectSlipwayError(.unauthorized) { try await h.accounts.authenticate(refreshToken: token) }
        await expectSlipwayError(.notFound) { try await h.deployments.get(workspaceID: h.workspace.id, name: "serve") }
        // The pipeline is free to go now.
        _ = try await h.deployments.deletePipeline(workspaceID: h.workspace.id, name: "model", withDeployments: false,
                                                   pipelines: h.pipelines)
    }

    @Test func workersOfEnabledLowLatencyDeploymentsRestartAtStartUp() async throws {
        let h = try await Self.harness()
        let low = try await create(h, Self.endpoint("low", mode: .lowLatency))
        _ = try await create(h, Self.endpoint("elastic"))
        _ = try await create(h, Self.endpoint("off", mode: .lowLatency))
        _ = try await h.deployments.update(workspaceID: h.workspace.id, name: "off",
                                           changes: DeploymentChanges(isEnabled: false), principal: h.principal)
        let before = h.residents.specs.count
        try await h.deployments.resumeWorkers()
        #expect(h.residents.specs.dropFirst(before).map(\.deploymentID) == [low.id])
        #expect(try await h.deployments.get(workspaceID: h.workspace.id, name: "low").status == .ready)
    }

    // MARK: - More trigger and lifecycle rules

    @Test func endpointFileUploadReachesTheWorkerAndIsKeptWithTheExecution() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: [.init(name: "image", dataType: .file)], outputs: [])
        let deployment = try await create(h, Self.endpoint())
        let content = LockedBox<String?>(nil)
        h.launcher.respond { job, _ in
            content.set(job.fileArguments["image"].flatMap { h.blobs.data($0.blob).map { String(decoding: $0, as: UTF8.self) } })
            return .returned([:])
        }
        let (execution, handle) = try await h.deployments.trigger(
            deployment, values: [:], files: ["image": try h.upload("pixels", fileName: "cat.png")], trigger: .endpoint)
        #expect(await handle.result(within: .seconds(10))?.status == .succeeded)
        #expect(content.value == "pixels")
        let input = try #require(try await h.store.inputs(executionID: execution.id).first)
        #expect(input.source == .endpoint(name: "image"))
        #expect(input.fileName == "cat.png")
        #expect(h.blobs.data(try #require(input.fileBlob)) == Data("pixels".utf8))
    }

    @Test func outputsMappedToTheDataStoreAndToNullByADeployment() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: [],
                                      outputs: [.init(name: "kept", dataType: .json), .init(name: "dropped", dataType: .string)])
        let deployment = try await create(h, Self.endpoint(outputs: [
            OutputMapping(output: "kept", destination: .dataStore(path: "out/{execution_id}.json")),
            OutputMapping(output: "dropped", destination: .null),
        ]))
        h.launcher.respond(.returned(["kept": .object(["a": .number(1)]), "dropped": .string("secret-ish")]))
        let (execution, handle) = try await h.deployments.trigger(deployment, values: [:], files: [:], trigger: .endpoint)
        let result = try #require(await handle.result(within: .seconds(10)))
        #expect(result.status == .succeeded)
        #expect(result.outputs.first { $0.name == "dropped" }?.value == .null)
        let object = try await h.dataStore.information(workspaceID: h.workspace.id, path: "out/\(execution.id).json")
        #expect(try JSONValue.parse(try #require(h.blobs.data(object.blob))) == .object(["a": .number(1)]))
    }

    @Test func failedLowLatencyExecutionIsRecordedWithItsMessage() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        h.residents.respond(.raised(type: "KeyError", message: "'x'"))
        let (execution, handle) = try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a")],
                                                                  files: [:], trigger: .endpoint, announcesID: false)
        let result = try #require(await handle.result(within: .seconds(10)))
        #expect(result.status == .failed)
        #expect(result.failureMessage == "KeyError: 'x'")
        let stored = try #require(try await h.store.execution(id: execution.id))
        #expect(stored.status == .failed)
        #expect(stored.failureMessage == "KeyError: 'x'")
        #expect(try await h.store.logs(subject: .execution(execution.id), query: LogQuery()).map(\.message) == ["KeyError: 'x'"])
    }

    @Test func lowLatencyDeploymentWithoutItsEnvironmentFailsToStart() async throws {
        let h = try await ServiceHarness.make()
        let (_, step) = try await h.readyPipeline("model", inputs: Self.inputs, outputs: Self.outputs)
        h.environments.forget(key: try #require(step.environmentKey))
        _ = try await create(h, Self.endpoint(mode: .lowLatency))
        let deployment = try await h.deployments.get(workspaceID: h.workspace.id, name: "serve")
        #expect(deployment.status == .failed)
        #expect(h.residents.specs.isEmpty)
    }

    @Test func deletingADeploymentWaitsForItsRunningExecution() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, Self.endpoint())
        h.launcher.hold()
        let (execution, _) = try await h.deployments.trigger(deployment, values: ["x": .number(1), "label": .string("a")],
                                                             files: [:], trigger: .endpoint)
        try await h.eventually("the execution runs") { try await h.store.execution(id: execution.id)?.status == .running }
        let launcher = h.launcher
        let release = Task {
            try await Task.sleep(for: .milliseconds(30))
            launcher.release()
        }
        _ = try await h.deployments.delete(workspaceID: h.workspace.id, name: "serve")
        try await release.value
        #expect(try await h.store.execution(id: execution.id) == nil)
        #expect(try await h.store.listDeployments(workspaceID: h.workspace.id).isEmpty)
    }

    @Test func changingTheScheduleRestartsFromTheCurrentMinute() async throws {
        let h = try await Self.harness()
        _ = try await create(h, DeploymentRequest(
            pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: "0 3 * * *",
            inputsMapping: Self.periodicMappings, outputsMapping: [OutputMapping(output: "y", destination: .null)]))
        h.clock.advance(by: 600)
        let updated = try await h.deployments.update(workspaceID: h.workspace.id, name: "nightly",
                                                     changes: DeploymentChanges(schedule: "*/5 * * * *"), principal: h.principal)
        #expect(updated.schedule == "*/5 * * * *")
        #expect(updated.lastScheduledAt == DeploymentService.scheduleMark(h.clock.now))
        #expect(updated.updatedBy == h.principal.userID)
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "not a valid cron expression") {
            try await h.deployments.update(workspaceID: h.workspace.id, name: "nightly",
                                           changes: DeploymentChanges(schedule: "61 * * * *"), principal: h.principal)
        }
    }

    @Test func scheduleSlotIsClaimedOnce() async throws {
        let h = try await Self.harness()
        let deployment = try await create(h, DeploymentRequest(
            pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: "* * * * *",
            inputsMapping: Self.periodicMappings, outputsMapping: [OutputMapping(output: "y", destination: .null)]))
        let slot = DeploymentService.minute(try #require(deployment.lastScheduledAt)).addingTimeInterval(60)
        #expect(try await h.store.claimScheduleSlot(id: deployment.id, previous: deployment.lastScheduledAt, slot: slot))
        #expect(try await !h.store.claimScheduleSlot(id: deployment.id, previous: deployment.lastScheduledAt, slot: slot))
        #expect(try await h.deployments.get(workspaceID: h.workspace.id, name: "nightly").lastScheduledAt == slot)
    }

    @Test func triggerWhoseInsertFailsGivesBackTheTicketAndTheFile() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: [.init(name: "image", dataType: .file)], outputs: [])
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency))
        let blobs = h.blobs.keys()
        h.store.failNext(.insertExecution)
        await expectRefusedUnchanged(.internal, in: h.store, message: "injected") {
            try await h.deployments.trigger(deployment, values: [:], files: ["image": try h.upload("pixels")],
                                            trigger: .endpoint)
        }
        #expect(h.residents.released.count == 1)
        #expect(h.residents.jobs.isEmpty)
        #expect(h.blobs.keys() == blobs)
    }

    @Test func deploymentWhoseInsertFailsStartsNoWorker() async throws {
        let h = try await Self.harness()
        h.store.failNext(.insertDeployment)
        await expectRefusedUnchanged(.internal, in: h.store, message: "injected") {
            try await create(h, Self.endpoint(mode: .lowLatency))
        }
        #expect(h.residents.specs.isEmpty)
    }
}
