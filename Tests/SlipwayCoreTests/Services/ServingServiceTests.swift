import Foundation
import Testing

@testable import SlipwayCore

/// Serving on the fake resident pool: every model doubles `x` (or `y`, from a previous node)
/// into `y`; which model answered is in the result's model name.
@Suite("ServingService")
struct ServingServiceTests {
    struct Setup {
        let harness: ServiceHarness
        let registry: ModelRegistryService
        let pipelines: ModelPipelineService
        let serving: ServingService
    }

    func setup() async throws -> Setup {
        let harness = try await ServiceHarness.make()
        harness.residents.respond { job in
            guard case .array(let rows)? = job.arguments["records"] else { return .raised(type: "TypeError", message: "no records") }
            var out: [JSONValue] = []
            for (index, row) in rows.enumerated() {
                guard case .number(let x)? = row.objectValue?["x"] ?? row.objectValue?["y"] else {
                    return .raised(type: "InferenceDataError", message: "column 'x' is missing in row \(index)")
                }
                out.append(.object(["y": .number(x * 2)]))
            }
            return .returned(["records": .array(out)])
        }
        return Setup(harness: harness, registry: ModelRegistryService(platform: harness.platform),
                     pipelines: ModelPipelineService(platform: harness.platform), serving: ServingService(platform: harness.platform))
    }

    func model(_ setup: Setup, _ name: String, framework: ModelFramework = .onnx) async throws -> ModelVersion {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
        try Data("MODEL \(name)".utf8).write(to: url)
        return try await setup.registry.upload(ModelUpload(
            workspaceID: setup.harness.workspace.id, userID: setup.harness.principal.userID, name: name, fileName: name,
            framework: framework), file: url)
    }

    func running(_ setup: Setup, _ deployment: ModelDeployment) async throws -> ModelDeployment {
        let deadline = ContinuousClock.now + ServiceHarness.patience
        while ContinuousClock.now < deadline {
            let current = try await setup.serving.deployment(id: deployment.id)
            if current.status != .starting { return current }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw SlipwayError.internal("deployment still starting")
    }

    @Test func deployInferAndRecordEveryRow() async throws {
        let setup = try await setup()
        let version = try await model(setup, "champion")
        let graph = ModelPipelineService.chain([(version.id, "champion", nil)])
        let (pipeline, pipelineVersion) = try await setup.pipelines.create(
            workspaceID: setup.harness.workspace.id, userID: "u", name: "fraud", graph: graph)
        let deployment = try await setup.serving.deploy(
            workspaceID: setup.harness.workspace.id, userID: "u", name: "fraud", pipeline: pipeline,
            version: pipelineVersion, resources: ServingResources(memoryBytes: 1 << 30, replicas: 2))
        #expect(deployment.status == .starting)
        let live = try await running(setup, deployment)
        #expect(live.status == .running)
        // Two replicas of the one model, with the memory limit and the model's variables.
        let specs = setup.harness.residents.specs
        #expect(specs.count == 2)
        #expect(specs.allSatisfy { $0.memoryLimitBytes == 1 << 30 && $0.environment["MODEL"] == "champion" })

        let result = try await setup.serving.infer(live, rows: [.object(["x": .number(1)]), .object(["x": .number(2.5)])])
        #expect(result.rows.map(\.outputs) == [["y": .number(2)], ["y": .number(5)]])
        #expect(result.rows.allSatisfy { $0.modelName == "champion" && $0.modelVersion.id == version.id })
        let page = try await setup.serving.logs(InferenceRecordQuery(workspaceID: setup.harness.workspace.id,
                                                                     pipelineID: pipeline.id, order: .oldestFirst))
        #expect(page.entries.map(\.record.inputs) == [["x": .number(1)], ["x": .number(2.5)]])
        #expect(page.entries.allSatisfy { $0.record.pipelineVersionID == pipelineVersion.id && $0.modelName == "champion" })

        // Bad data in one call is that call's 400, and records nothing.
        _ = await expectSlipwayError(.badRequest, message: "row 0") {
            try await setup.serving.infer(live, rows: [.object(["z": .number(1)])])
        }
        _ = await expectSlipwayError(.badRequest, message: "row 1 is not an object") {
            try await setup.serving.infer(live, rows: [.object(["x": .number(1)]), .number(3)])
        }
        #expect(setup.harness.store.snapshot.inferenceRecords.count == 2)

        let stopped = try await setup.serving.undeploy(live)
        #expect(stopped.status == .stopped)
        #expect(Set(setup.harness.residents.stopped) == Set(specs.map(\.deploymentID)))
        _ = await expectSlipwayError(.conflict) { try await setup.serving.infer(stopped, rows: [.object(["x": .number(1)])]) }
    }

    @Test func concurrentCallsShareModelCalls() async throws {
        let setup = try await setup()
        let version = try await model(setup, "champion")
        let (pipeline, pipelineVersion) = try await setup.pipelines.create(
            workspaceID: setup.harness.workspace.id, userID: "u", name: "batch",
            graph: ModelPipelineService.chain([(version.id, "champion", nil)]))
        let gate = LockedBox(0)
        setup.harness.residents.respond { job in
            gate.update { $0 += 1 }
            try? await Task.sleep(for: .milliseconds(20))
            guard case .array(let rows)? = job.arguments["records"] else { return .returned([:]) }
            return .returned(["records": .array(rows.map { _ in .object(["y": .number(1)]) })])
        }
        let live = try await running(setup, try await setup.serving.deploy(
            workspaceID: setup.harness.workspace.id, userID: "u", name: "batch", pipeline: pipeline,
            version: pipelineVersion, resources: ServingResources()))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask { try await setup.serving.infer(live, rows: [.object(["x": .number(Double(index))])]).rows.count }
            }
            var total = 0
            for try await count in group { total += count }
            #expect(total == 40)
        }
        // One replica, 20 ms per call: 40 concurrent calls need far fewer than 40 model calls.
        #expect(gate.value < 20)
        #expect(await setup.serving.meanBatchRows(of: live)[version.id] ?? 0 > 2)
    }

    @Test func chainsSplitsAndShadows() async throws {
        let setup = try await setup()
        let champion = try await model(setup, "champion")
        let challenger = try await model(setup, "challenger")
        let post = try await model(setup, "post", framework: .python)
        let workspace = setup.harness.workspace.id
        // Shadow on the first node, then a post-processing model: the champion's rows go on.
        let graph = ModelPipelineService.chain([
            (champion.id, "champion", .shadow(challengers: [challenger.id])), (post.id, "post", nil),
        ])
        let (pipeline, version) = try await setup.pipelines.create(workspaceID: workspace, userID: "u", name: "shadowed", graph: graph)
        let live = try await running(setup, try await setup.serving.deploy(
            workspaceID: workspace, userID: "u", name: "shadowed", pipeline: pipeline, version: version,
            resources: ServingResources()))
        let result = try await setup.serving.infer(live, rows: [.object(["x": .number(3)])])
        #expect(result.rows[0].outputs == ["y": .number(12)])
        #expect(result.rows[0].modelName == "post")
        #expect(result.rows[0].shadowOutputs.map(\.modelName) == ["challenger"])
        #expect(result.rows[0].shadowOutputs.first?.outputs == ["y": .number(6)])
        let page = try await setup.serving.logs(InferenceRecordQuery(workspaceID: workspace, pipelineID: pipeline.id))
        #expect(page.entries.count == 1)
        #expect(page.entries[0].shadows.map(\.modelName) == ["challenger"])

        // A new version with an A/B split between the two models.
        let splitGraph = ModelPipelineService.chain([
            (champion.id, "champion", .split(arms: [.init(modelVersionID: champion.id, weight: 1),
                                                    .init(modelVersionID: challenger.id, weight: 1)])),
        ])
        let splitVersion = try await setup.pipelines.addVersion(to: pipeline, userID: "u", graph: splitGraph)
        let redeployed = try await running(setup, try await setup.serving.deploy(
            workspaceID: workspace, userID: "u", name: "shadowed", pipeline: pipeline, version: splitVersion,
            resources: ServingResources()))
        #expect(redeployed.id == live.id)
        #expect(redeployed.generation == 2)
        var served = Set<String>()
        setup.harness.clock.advance(by: 1)
        for _ in 0..<40 {
            let answer = try await setup.serving.infer(redeployed, rows: [.object(["x": .number(1)])])
            #expect(answer.hasSplit)
            served.insert(answer.rows[0].modelName)
        }
        #expect(served == ["champion", "challenger"])
        // The logs page stops where the pipeline version changes.
        let newest = try await setup.serving.logs(InferenceRecordQuery(workspaceID: workspace, pipelineID: pipeline.id, limit: 100))
        #expect(newest.entries.count == 40)
        #expect(newest.schemaChanged)
        #expect(newest.entries.allSatisfy { $0.split })
    }

    @Test func busyReplicasAreAddedAndIdleOnesRemoved() async throws {
        var limits = Limits(executionTimeout: .seconds(5), longPollHold: .seconds(15))
        limits.autoscaleInterval = .milliseconds(100)
        let harness = try await ServiceHarness.make(limits: limits)
        harness.residents.respond { job in
            try? await Task.sleep(for: .milliseconds(30))
            guard case .array(let rows)? = job.arguments["records"] else { return .returned([:]) }
            return .returned(["records": .array(rows.map { _ in .object(["y": .number(1)]) })])
        }
        let setup = Setup(harness: harness, registry: ModelRegistryService(platform: harness.platform),
                          pipelines: ModelPipelineService(platform: harness.platform),
                          serving: ServingService(platform: harness.platform))
        let version = try await model(setup, "champion")
        let (pipeline, pipelineVersion) = try await setup.pipelines.create(
            workspaceID: harness.workspace.id, userID: "u", name: "scaled",
            graph: ModelPipelineService.chain([(version.id, "champion", nil)]))
        let live = try await running(setup, try await setup.serving.deploy(
            workspaceID: harness.workspace.id, userID: "u", name: "scaled", pipeline: pipeline, version: pipelineVersion,
            resources: ServingResources(replicas: 1, minimumReplicas: 1, maximumReplicas: 3, targetCPUPercent: 50)))
        #expect(harness.residents.specs.count == 1)
        // Keep the one replica busy: a second one is started.
        let deadline = ContinuousClock.now + ServiceHarness.patience
        while harness.residents.specs.count < 2, ContinuousClock.now < deadline {
            _ = try await setup.serving.infer(live, rows: [.object(["x": .number(1)])])
        }
        #expect(harness.residents.specs.count >= 2)
        // Idle: replicas are removed again, down to the minimum.
        while harness.residents.stopped.isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!harness.residents.stopped.isEmpty)
        _ = try await setup.serving.undeploy(live)
    }

    @Test func deployRefusals() async throws {
        let setup = try await setup()
        let workspace = setup.harness.workspace.id
        let tensorflow = try await model(setup, "tf", framework: .tensorflow)
        let (pipeline, version) = try await setup.pipelines.create(
            workspaceID: workspace, userID: "u", name: "tfpipe", graph: ModelPipelineService.chain([(tensorflow.id, "tf", nil)]))
        _ = await expectSlipwayError(.badRequest, message: "cannot be deployed here") {
            try await setup.serving.deploy(workspaceID: workspace, userID: "u", name: "tfpipe", pipeline: pipeline,
                                           version: version, resources: ServingResources())
        }
        let (empty, emptyVersion) = try await setup.pipelines.create(workspaceID: workspace, userID: "u", name: "empty",
                                                                     graph: PipelineGraph(nodes: []))
        _ = await expectSlipwayError(.badRequest, message: "no model steps") {
            try await setup.serving.deploy(workspaceID: workspace, userID: "u", name: "empty", pipeline: empty,
                                           version: emptyVersion, resources: ServingResources())
        }
        _ = await expectSlipwayError(.badRequest, message: "replica count") {
            try await setup.serving.deploy(workspaceID: workspace, userID: "u", name: "tfpipe", pipeline: pipeline,
                                           version: version, resources: ServingResources(replicas: 0))
        }
        #expect(setup.harness.store.snapshot.modelDeployments.isEmpty)
        // A model that fails to load fails the deployment with the reason.
        let onnx = try await model(setup, "broken")
        let (broken, brokenVersion) = try await setup.pipelines.create(
            workspaceID: workspace, userID: "u", name: "broken", graph: ModelPipelineService.chain([(onnx.id, "broken", nil)]))
        setup.harness.residents.setStartOutcome(.failed("model 'broken' is not a valid ONNX file"))
        let failed = try await running(setup, try await setup.serving.deploy(
            workspaceID: workspace, userID: "u", name: "broken", pipeline: broken, version: brokenVersion,
            resources: ServingResources()))
        #expect(failed.status == .failed)
        #expect(failed.statusMessage?.contains("not a valid ONNX file") == true)
    }
}

@Suite("ServingService messages")
struct ServingMessageTests {
    @Test func statusMessagesNameFilesNotServerFolders() {
        let message = "ModelLoadError: model 'post': '/tmp/x/data/models/b0d2/artifact/post.py' cannot be loaded"
        #expect(ServingService.withoutPaths(message) == "ModelLoadError: model 'post': 'post.py' cannot be loaded")
        #expect(ServingService.withoutPaths("no path here") == "no path here")
    }
}
