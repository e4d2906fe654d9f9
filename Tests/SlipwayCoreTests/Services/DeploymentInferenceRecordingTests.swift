import Foundation
import Testing

@testable import SlipwayCore

/// Inference records of pipeline deployments: off by default (nothing stored), set at creation
/// or by a change, one record per successful endpoint execution on both the elastic and the
/// low-latency path, with the caller's names for its features, stored before the result is
/// handed over; refused on periodic deployments and for unknown or other workspaces' ones.
@Suite struct DeploymentInferenceRecordingTests {
    static let inputs: [InputDefinition] = [.init(name: "x", dataType: .number), .init(name: "label", dataType: .string)]
    static let outputs: [OutputDefinition] = [.init(name: "y", dataType: .number)]

    static func harness() async throws -> ServiceHarness {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("model", inputs: inputs, outputs: outputs)
        return h
    }

    /// An endpoint of `model` exposing `x` as `value` and `y` as `result`, `label` a constant.
    static func endpoint(_ name: String = "serve", mode: DeploymentMode = .elastic, record: Bool? = nil) -> DeploymentRequest {
        DeploymentRequest(pipelineName: "model", name: name, rule: .endpoint, mode: mode, recordInferences: record,
                          inputsMapping: [InputMapping(input: "x", source: .endpoint(name: "value")),
                                          InputMapping(input: "label", source: .constant(.string("fixed")))],
                          outputsMapping: [OutputMapping(output: "y", destination: .endpoint(name: "result"))])
    }

    func create(_ h: ServiceHarness, _ request: DeploymentRequest) async throws -> Deployment {
        try await h.deployments.create(request, workspace: h.workspace, principal: h.principal)
    }

    /// Triggers the deployment as an endpoint call (held, as `POST /endpoints/{path}` does) and
    /// returns the execution with its result.
    func call(_ h: ServiceHarness, _ deployment: Deployment, value: Double) async throws -> (Execution, ExecutionResult) {
        let (execution, handle) = try await h.deployments.trigger(deployment, values: ["value": .number(value)], files: [:],
                                                                  trigger: .endpoint, announcesID: false)
        let result = try #require(await handle.result(within: .seconds(10)))
        return (execution, result)
    }

    /// Both worker kinds answer `y = 2 x`.
    func doubling(_ h: ServiceHarness) {
        @Sendable func twice(_ value: JSONValue?) -> JSONValue {
            if case .number(let number)? = value { .number(number * 2) } else { .null }
        }
        h.launcher.respond { job, _ in .returned(["y": twice(job.arguments["x"])]) }
        h.residents.respond { job in .returned(["y": twice(job.arguments["x"])]) }
    }

    // MARK: - Off by default

    @Test func recordingIsOffByDefaultAndNothingIsRecorded() async throws {
        let h = try await Self.harness()
        doubling(h)
        let deployment = try await create(h, Self.endpoint())
        #expect(!deployment.recordsInferences)
        let (_, result) = try await call(h, deployment, value: 3)
        #expect(result.status == .succeeded)
        #expect(h.store.snapshot.inferenceRecords.isEmpty)
    }

    // MARK: - Recording

    @Test(arguments: [DeploymentMode.elastic, .lowLatency])
    func successfulEndpointExecutionIsRecordedBeforeItsResult(mode: DeploymentMode) async throws {
        let h = try await Self.harness()
        doubling(h)
        let deployment = try await create(h, Self.endpoint(mode: mode, record: true))
        #expect(deployment.recordsInferences)
        let stored = try await h.deployments.get(workspaceID: h.workspace.id, name: "serve")
        #expect(stored.recordsInferences)
        let (execution, result) = try await call(h, deployment, value: 3)
        #expect(result.status == .succeeded)
        // The result is handed over once the record is stored.
        let records = h.store.snapshot.inferenceRecords
        try #require(records.count == 1)
        let record = records[0]
        #expect(record.workspaceID == h.workspace.id)
        #expect(record.deploymentID == deployment.id)
        #expect(record.pipelineID == deployment.pipelineID)
        #expect(record.externalID == execution.id)
        #expect(record.time == execution.createdAt)
        // The caller's names; the constant input is not something the caller sent.
        #expect(record.inputs == ["value": .number(3)])
        #expect(record.outputs == ["result": .number(6)])
        #expect(record.latency != nil)
        #expect(!record.isShadow)
        let page = try await h.deployments.inferenceRecords(of: deployment)
        #expect(page.records == [record])
        #expect(page.nextCursor == nil)
    }

    @Test func recordsOfSeveralCallsPageInTimeOrder() async throws {
        let h = try await Self.harness()
        doubling(h)
        let deployment = try await create(h, Self.endpoint(record: true))
        for value in 1...3 {
            _ = try await call(h, deployment, value: Double(value))
            h.clock.advance(by: 1)
        }
        let first = try await h.deployments.inferenceRecords(of: deployment, order: .oldestFirst, limit: 2)
        #expect(first.records.map(\.inputs) == [["value": .number(1)], ["value": .number(2)]])
        let cursor = try #require(first.nextCursor)
        let second = try await h.deployments.inferenceRecords(of: deployment, order: .oldestFirst, limit: 2, cursor: cursor)
        #expect(second.records.map(\.outputs) == [["result": .number(6)]])
        #expect(second.nextCursor == nil)
        await expectSlipwayError(.badRequest, message: "page size") {
            try await h.deployments.inferenceRecords(of: deployment, limit: 0)
        }
    }

    @Test func failedExecutionsAreNotRecorded() async throws {
        let h = try await Self.harness()
        h.launcher.respond(.raised(type: "ValueError", message: "bad"))
        let deployment = try await create(h, Self.endpoint(record: true))
        let (_, result) = try await call(h, deployment, value: 1)
        #expect(result.status == .failed)
        #expect(h.store.snapshot.inferenceRecords.isEmpty)
    }

    @Test func aRecordThatCannotBeStoredTurnsTheSuccessIntoAnError() async throws {
        let h = try await Self.harness()
        doubling(h)
        let deployment = try await create(h, Self.endpoint(mode: .lowLatency, record: true))
        h.store.failNext(.appendInferenceRecords)
        let (execution, result) = try await call(h, deployment, value: 1)
        #expect(result.status == .error)
        #expect(result.failureMessage == "the inference record of this execution could not be stored")
        #expect(result.outputs.isEmpty)
        let stored = try #require(try await h.store.execution(id: execution.id))
        #expect(stored.status == .error)
        #expect(h.store.snapshot.inferenceRecords.isEmpty)
    }

    @Test func fileInputsAreRecordedAsReferences() async throws {
        let h = try await ServiceHarness.make()
        _ = try await h.readyPipeline("files", inputs: [.init(name: "image", dataType: .file)],
                                      outputs: [.init(name: "size", dataType: .number)])
        h.launcher.respond(.returned(["size": .number(6)]))
        let deployment = try await create(h, DeploymentRequest(pipelineName: "files", name: "sizer", rule: .endpoint,
                                                               mode: .elastic, recordInferences: true))
        let (execution, handle) = try await h.deployments.trigger(
            deployment, values: [:], files: ["image": try h.upload("pixels", fileName: "cat.png")], trigger: .endpoint)
        #expect(await handle.result(within: .seconds(10))?.status == .succeeded)
        let record = try #require(h.store.snapshot.inferenceRecords.first)
        #expect(record.inputs == ["image": .json(.object(["file_name": .string("cat.png")]))])
        #expect(record.outputs == ["size": .number(6)])
        #expect(record.externalID == execution.id)
    }

    // MARK: - Turning it on and off

    @Test func aChangeTurnsRecordingOnAndOffWithoutReloadingTheWorker() async throws {
        let h = try await Self.harness()
        doubling(h)
        _ = try await create(h, Self.endpoint(mode: .lowLatency))
        let on = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                changes: DeploymentChanges(recordInferences: true), principal: h.principal)
        #expect(on.recordsInferences)
        #expect(on.generation == 1)
        #expect(h.residents.specs.count == 1)
        _ = try await call(h, on, value: 2)
        #expect(h.store.snapshot.inferenceRecords.count == 1)

        let off = try await h.deployments.update(workspaceID: h.workspace.id, name: "serve",
                                                 changes: DeploymentChanges(recordInferences: false), principal: h.principal)
        #expect(!off.recordsInferences)
        #expect(h.residents.specs.count == 1)
        _ = try await call(h, off, value: 4)
        #expect(h.store.snapshot.inferenceRecords.count == 1)
        let messages = try await h.deployments.logs(off, query: LogQuery()).map(\.message)
        #expect(messages.contains(DeploymentInferences.logMessage(true)))
        #expect(messages.contains(DeploymentInferences.logMessage(false)))
    }

    @Test func endpointCallsSeeARecordingChangeMadeThroughTheStoreAlone() async throws {
        let h = try await Self.harness()
        doubling(h)
        let token = "endpoint-token-0123456789"
        var request = Self.endpoint(record: true)
        request.endpointToken = token
        _ = try await create(h, request)
        let cached = try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "serve", token: token)
        #expect(cached.recordsInferences)
        // What the offline CLI does: the store alone, no `DeploymentService`.
        let changed = try await DeploymentInferences(store: h.store, now: { h.clock.now })
            .setRecording(false, workspaceID: h.workspace.id, deploymentName: "serve", userID: h.principal.userID)
        #expect(!changed.recordsInferences)
        let logs = try await h.deployments.logs(changed, query: LogQuery()).map(\.message)
        #expect(logs.last == DeploymentInferences.logMessage(false))
        // The endpoint path reads the deployment again once its cached copy is `maxAge` old.
        try await Task.sleep(for: DeploymentDirectory.maxAge + .milliseconds(100))
        let fresh = try await h.deployments.authenticateEndpoint(workspaceID: h.workspace.id, path: "serve", token: token)
        #expect(!fresh.recordsInferences)
        _ = try await call(h, fresh, value: 1)
        #expect(h.store.snapshot.inferenceRecords.isEmpty)
    }

    // MARK: - Refusals

    static let periodicInputs = [InputMapping(input: "x", source: .constant(.number(1))),
                                 InputMapping(input: "label", source: .null)]
    static let periodicOutputs = [OutputMapping(output: "y", destination: .null)]

    @Test func periodicDeploymentsCannotRecordInferences() async throws {
        let h = try await Self.harness()
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "only endpoint deployments record inferences") {
            try await create(h, DeploymentRequest(
                pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: "0 * * * *",
                recordInferences: true, inputsMapping: Self.periodicInputs, outputsMapping: Self.periodicOutputs))
        }
        _ = try await create(h, DeploymentRequest(
            pipelineName: "model", name: "nightly", rule: .periodic, mode: .elastic, schedule: "0 * * * *",
            inputsMapping: Self.periodicInputs, outputsMapping: Self.periodicOutputs))
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "only endpoint deployments record inferences") {
            try await h.deployments.update(workspaceID: h.workspace.id, name: "nightly",
                                           changes: DeploymentChanges(recordInferences: true), principal: h.principal)
        }
        await expectRefusedUnchanged(.badRequest, in: h.store, message: "only endpoint deployments record inferences") {
            try await DeploymentInferences(store: h.store)
                .setRecording(true, workspaceID: h.workspace.id, deploymentName: "nightly", userID: h.principal.userID)
        }
    }

    @Test func unknownAndOtherWorkspacesDeploymentsAreNotFound() async throws {
        let h = try await Self.harness()
        _ = try await create(h, Self.endpoint())
        let other = try await h.accounts.createWorkspace(named: "other", ownerID: h.principal.userID)
        let switcher = DeploymentInferences(store: h.store)
        await expectRefusedUnchanged(.notFound, in: h.store, message: "ghost") {
            try await switcher.setRecording(true, workspaceID: h.workspace.id, deploymentName: "ghost", userID: h.principal.userID)
        }
        await expectRefusedUnchanged(.notFound, in: h.store, message: "serve") {
            try await switcher.setRecording(true, workspaceID: other.id, deploymentName: "serve", userID: h.principal.userID)
        }
        await expectRefusedUnchanged(.notFound, in: h.store) {
            try await h.deployments.update(workspaceID: other.id, name: "serve",
                                           changes: DeploymentChanges(recordInferences: true), principal: h.principal)
        }
    }
}
