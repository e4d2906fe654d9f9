import Foundation
import Logging
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// The metadata store contract, run against every backend (see `StoreBackendKind`).
@Suite("Metadata store contract")
struct MetadataStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func makeStep(_ name: String, workspace: String = "ws1", owner: String? = nil, at: Date? = nil) -> Step {
        Step(id: UUID().uuidString.lowercased(), workspaceID: workspace, name: name, functionPath: "src/main.py",
             functionName: "run", description: "d", inputs: [InputDefinition(name: "a", dataType: .number)],
             outputs: [OutputDefinition(name: "b", dataType: .json)],
             containerConfig: ContainerConfig(language: "python:3.11-slim", requirementsPath: "requirements.txt"),
             status: .pending, ownerPipelineName: owner, codeDigest: "abc", archiveBlob: "blob-0001",
             environmentKey: nil, createdAt: at ?? t0, createdBy: "u1", updatedAt: at ?? t0)
    }

    func makeExecution(_ id: String, status: ExecutionStatus = .pending, pipeline: String = "p1",
                       at: Date? = nil) -> Execution {
        Execution(id: id, workspaceID: "ws1", pipelineID: "pid", pipelineName: pipeline, stepID: "sid",
                  deploymentName: nil, trigger: .run, status: status, createdAt: at ?? t0, createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func migrationsAreIdempotent(_ backend: StoreBackendKind) async throws {
        let database = try await TestDatabase.create(backend)
        let first = try await database.open()
        #expect(try await first.schemaVersion() == Migrations.all.map(\.version).max())
        try await first.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
        await first.close()
        let second = try await database.open()
        #expect(try await second.schemaVersion() == Migrations.all.map(\.version).max())
        #expect(try await second.workspace(id: "ws1")?.name == "default", "data survives reopening")
        await second.close()
        await database.remove()
    }

    @Test(arguments: StoreBackendKind.available)
    func identity(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.createWorkspace(Workspace(id: "ws1", name: "default", createdAt: t0))
            #expect(try await store.workspace(named: "default")?.id == "ws1")
            #expect(try await store.workspace(named: "other") == nil)
            await #expect(throws: (any Error).self) {
                try await store.createWorkspace(Workspace(id: "ws2", name: "default", createdAt: t0))
            }
            let user = User(id: "u1", name: "alice", email: "a@x", createdAt: t0)
            try await store.createUser(user)
            #expect(try await store.user(id: "u1") == user)
            #expect(try await store.user(named: "alice") == user)
            #expect(try await store.isMember(userID: "u1", workspaceID: "ws1") == false)
            try await store.addMember(userID: "u1", workspaceID: "ws1", role: .owner)
            #expect(try await store.isMember(userID: "u1", workspaceID: "ws1"))

            let sdk = TokenRecord(id: "t1", kind: .user, userID: "u1", workspaceID: "ws1", executionID: nil,
                                  secretHash: "hash-sdk", createdAt: t0, expiresAt: nil)
            let exec = TokenRecord(id: "t2", kind: .execution, userID: "u1", workspaceID: "ws1", executionID: "e1",
                                   secretHash: "hash-exec", createdAt: t0, expiresAt: t0.addingTimeInterval(60))
            try await store.createToken(sdk)
            try await store.createToken(exec)
            #expect(try await store.token(secretHash: "hash-sdk") == sdk)
            #expect(try await store.token(secretHash: "hash-exec") == exec)
            #expect(try await store.token(secretHash: "nope") == nil)
            try await store.revokeTokens(executionID: "e1")
            #expect(try await store.token(secretHash: "hash-exec")?.revoked == true)
            #expect(try await store.token(secretHash: "hash-sdk")?.revoked == false)

            // Expiry is brought forward, never pushed back, and revoked tokens are left alone.
            let open = TokenRecord(id: "t3", kind: .deployment, userID: "u1", workspaceID: "ws1", executionID: "d1",
                                   secretHash: "hash-open", createdAt: t0, expiresAt: nil)
            let soon = TokenRecord(id: "t4", kind: .deployment, userID: "u1", workspaceID: "ws1", executionID: "d1",
                                   secretHash: "hash-soon", createdAt: t0, expiresAt: t0.addingTimeInterval(10))
            try await store.createToken(open)
            try await store.createToken(soon)
            try await store.expireTokens(executionID: "d1", at: t0.addingTimeInterval(100))
            #expect(try await store.token(secretHash: "hash-open")?.expiresAt == t0.addingTimeInterval(100))
            #expect(try await store.token(secretHash: "hash-soon")?.expiresAt == t0.addingTimeInterval(10))
            try await store.expireTokens(executionID: "e1", at: t0.addingTimeInterval(5))
            #expect(try await store.token(secretHash: "hash-exec")?.expiresAt == exec.expiresAt)
            #expect(try await store.token(secretHash: "hash-sdk")?.expiresAt == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func stepsAndPipelines(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let step = makeStep("s1")
            try await store.insertStep(step)
            #expect(try await store.step(id: step.id) == step)
            #expect(try await store.step(workspaceID: "ws1", name: "s1") == step)
            #expect(try await store.step(workspaceID: "ws2", name: "s1") == nil)
            await #expect(throws: (any Error).self) { try await store.insertStep(makeStep("s1")) }
            // Same name in another workspace is fine.
            try await store.insertStep(makeStep("s1", workspace: "ws2"))
            let owned = makeStep("p-owned-step", owner: "p-owned", at: t0.addingTimeInterval(1))
            try await store.insertStep(owned)
            #expect(try await store.listSteps(workspaceID: "ws1", includeOwned: false).map(\.name) == ["s1"])
            #expect(try await store.listSteps(workspaceID: "ws1", includeOwned: true).map(\.name) == ["s1", "p-owned-step"])
            #expect(Set(try await store.pendingSteps().map(\.id)).contains(step.id))

            #expect(try await store.updateStepStatus(id: step.id, from: .ready, to: .failed, environmentKey: nil) == false)
            #expect(try await store.updateStepStatus(id: step.id, from: .pending, to: .ready, environmentKey: "env1"))
            let ready = try #require(try await store.step(id: step.id))
            #expect(ready.status == .ready)
            #expect(ready.environmentKey == "env1")
            #expect(!(try await store.pendingSteps().map(\.id)).contains(step.id))

            let graph = PipelineGraph.singleStep(nodeName: "s1", stepID: step.id, inputs: step.inputs, outputs: step.outputs)
            let pipeline = Pipeline(id: "p1id", workspaceID: "ws1", name: "p1", graph: graph,
                                    ownsStep: false, createdAt: t0, createdBy: "u1")
            try await store.insertPipeline(pipeline)
            #expect(try await store.pipeline(workspaceID: "ws1", name: "p1") == pipeline)
            await #expect(throws: (any Error).self) {
                try await store.insertPipeline(Pipeline(id: "p2id", workspaceID: "ws1", name: "p1", graph: graph,
                                                        ownsStep: false, createdAt: t0, createdBy: "u1"))
            }
            #expect(try await store.listPipelines(workspaceID: "ws1") == [pipeline])
            #expect(try await store.pipelines(usingStepID: step.id) == [pipeline])
            // A graph of two step nodes is found from either step, and loses both links when deleted.
            let two = Pipeline(id: "p3id", workspaceID: "ws1", name: "p3", graph: PipelineGraph(nodes: [
                PipelineNode(name: "a", kind: .step(stepID: step.id)), PipelineNode(name: "b", kind: .step(stepID: "other")),
            ]), ownsStep: false, createdAt: t0.addingTimeInterval(1), createdBy: "u1")
            try await store.insertPipeline(two)
            #expect(try await store.pipelines(usingStepID: step.id) == [pipeline, two])
            #expect(try await store.pipelines(usingStepID: "other") == [two])
            try await store.deletePipeline(id: "p3id")
            #expect(try await store.pipelines(usingStepID: "other").isEmpty)
            try await store.deletePipeline(id: "p1id")
            #expect(try await store.pipeline(workspaceID: "ws1", name: "p1") == nil)
            try await store.deleteStep(id: step.id)
            #expect(try await store.step(id: step.id) == nil)
            // The name is free again.
            try await store.insertStep(makeStep("s1"))
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func executionsWithIO(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let inputs = [
                ExecutionInput(name: "a", dataType: .number, source: .run,
                               value: .number(2)),
                ExecutionInput(name: "f", dataType: .file, source: .dataStore(path: "x/y.csv"), value: nil, fileBlob: "blob-0002",
                               fileName: "y.csv"),
                ExecutionInput(name: "n", dataType: .json, source: .null,
                               value: .null),
            ]
            let outputs = [ExecutionOutput(name: "b", dataType: .json, destination: .run)]
            let e1 = makeExecution("e1")
            try await store.insertExecution(e1, inputs: inputs, outputs: outputs)
            try await store.insertExecution(makeExecution("e2", at: t0.addingTimeInterval(5)), inputs: [], outputs: [])
            try await store.insertExecution(makeExecution("e3", status: .succeeded, pipeline: "p2",
                                                          at: t0.addingTimeInterval(9)), inputs: [], outputs: [])

            #expect(try await store.execution(id: "e1") == e1)
            #expect(try await store.execution(workspaceID: "ws1", id: "e1") == e1)
            #expect(try await store.execution(workspaceID: "ws2", id: "e1") == nil, "workspace isolation")
            #expect(try await store.inputs(executionID: "e1") == inputs)
            #expect(try await store.outputs(executionID: "e1") == outputs)
            #expect(try await store.listExecutions(workspaceID: "ws1", pipelineName: "p1").map(\.id) == ["e2", "e1"])
            #expect(try await store.listExecutions(workspaceID: "ws1", pipelineName: nil).map(\.id) == ["e3", "e2", "e1"])
            #expect(try await store.latestExecution(workspaceID: "ws1", pipelineName: "p1")?.id == "e2")

            // Compare-and-set.
            let t1 = t0.addingTimeInterval(10)
            #expect(try await store.updateExecutionStatus(id: "e1", from: .running, to: .succeeded, at: t1, message: nil) == false)
            #expect(try await store.execution(id: "e1")?.status == .pending)
            #expect(try await store.updateExecutionStatus(id: "e1", from: .pending, to: .running, at: t1, message: nil))
            #expect(try await store.updateExecutionStatus(id: "e1", from: .pending, to: .running, at: t1, message: nil) == false)
            let running = try #require(try await store.execution(id: "e1"))
            #expect(running.status == .running)
            #expect(running.startedAt == t1)
            #expect(running.endedAt == nil)
            #expect(try await store.updateExecutionStatus(id: "nope", from: .pending, to: .running, at: t1, message: nil) == false)

            #expect(Set(try await store.unfinishedExecutions().map(\.id)) == ["e1", "e2"])

            let t2 = t0.addingTimeInterval(20)
            #expect(try await store.updateExecutionStatus(id: "e1", from: .running, to: .failed, at: t2, message: "boom"))
            let failed = try #require(try await store.execution(id: "e1"))
            #expect(failed.status == .failed)
            #expect(failed.startedAt == t1)
            #expect(failed.endedAt == t2)
            #expect(failed.failureMessage == "boom")
            #expect(try await store.unfinishedExecutions().map(\.id) == ["e2"])

            var produced = outputs
            produced[0].value = .object(["k": .number(1)])
            try await store.saveOutputs(executionID: "e1", outputs: produced)
            #expect(try await store.outputs(executionID: "e1")[0].value == .object(["k": .number(1)]))

            // Delete cascades to I/O, metrics and tokens.
            try await store.upsertMetric(workspaceID: "ws1", MetricValue(name: "m", value: 1, executionID: "e1",
                                                                         pipelineName: "p1", deploymentName: nil, createdAt: t0))
            try await store.appendListMetric(workspaceID: "ws1", ListMetric(name: "l", values: [1], executionID: "e1",
                                                                            pipelineName: "p1", deploymentName: nil, createdAt: t0))
            try await store.createToken(TokenRecord(id: "tk", kind: .execution, userID: "u1", workspaceID: "ws1",
                                                    executionID: "e1", secretHash: "h-e1", createdAt: t0, expiresAt: nil))
            try await store.deleteExecution(id: "e1")
            #expect(try await store.execution(id: "e1") == nil)
            #expect(try await store.inputs(executionID: "e1").isEmpty)
            #expect(try await store.outputs(executionID: "e1").isEmpty)
            #expect(try await store.metrics(workspaceID: "ws1", filter: MetricFilter(executionID: "e1"), page: PageRequest()).totalCount == 0)
            #expect(try await store.listMetrics(workspaceID: "ws1", filter: MetricFilter(executionID: "e1"), page: PageRequest()).totalCount == 0)
            #expect(try await store.token(secretHash: "h-e1") == nil)
            // Reinsert with the same id is possible after delete (no orphan rows).
            try await store.insertExecution(e1, inputs: inputs, outputs: outputs)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func logs(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let lines = (0..<450).map { index in
                LogLine(timestamp: t0.addingTimeInterval(Double(index)), stream: index % 2 == 0 ? .stdout : .stderr,
                        message: "line \(index)")
            }
            try await store.appendLogs(lines, subject: .execution("e1"))
            try await store.appendLogs([LogLine(timestamp: t0, stream: .system, message: "other")], subject: .step("e1"))
            try await store.appendLogs([], subject: .execution("e1"))

            let all = try await store.logs(subject: .execution("e1"), query: LogQuery())
            #expect(all.count == 450)
            #expect(all.map(\.message) == lines.map(\.message), "order preserved across 200-line chunks")
            #expect(all[1].stream == .stderr)
            #expect(all[449].timestamp == lines[449].timestamp)

            let window = try await store.logs(subject: .execution("e1"),
                                              query: LogQuery(from: t0.addingTimeInterval(100), to: t0.addingTimeInterval(109)))
            #expect(window.map(\.message) == (100...109).map { "line \($0)" })
            let limited = try await store.logs(subject: .execution("e1"), query: LogQuery(from: t0.addingTimeInterval(300), limit: 5))
            #expect(limited.map(\.message) == (300..<305).map { "line \($0)" })
            #expect(try await store.logs(subject: .execution("e1"), query: LogQuery(limit: 0)).isEmpty)

            let stepLogs = try await store.logs(subject: .step("e1"), query: LogQuery())
            #expect(stepLogs.map(\.message) == ["other"])
            #expect(stepLogs.first?.stream == .system)

            try await store.deleteLogs(subject: .execution("e1"))
            #expect(try await store.logs(subject: .execution("e1"), query: LogQuery()).isEmpty)
            #expect(try await store.logs(subject: .step("e1"), query: LogQuery()).count == 1)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func metricsUpsertOverwrites(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.upsertMetric(workspaceID: "ws1", MetricValue(name: "acc", value: 0.5, executionID: "e1",
                                                                         pipelineName: "p1", deploymentName: "d1", createdAt: t0))
            try await store.upsertMetric(workspaceID: "ws1", MetricValue(name: "acc", value: 0.9, executionID: "e1",
                                                                         pipelineName: "p1", deploymentName: "d1",
                                                                         createdAt: t0.addingTimeInterval(1)))
            try await store.upsertMetric(workspaceID: "ws1", MetricValue(name: "loss", value: 3, executionID: "e1",
                                                                         pipelineName: "p1", deploymentName: nil,
                                                                         createdAt: t0.addingTimeInterval(2)))
            try await store.upsertMetric(workspaceID: "ws2", MetricValue(name: "acc", value: 7, executionID: "e9",
                                                                         pipelineName: "p1", deploymentName: nil, createdAt: t0))
            let all = try await store.metrics(workspaceID: "ws1", filter: MetricFilter(), page: PageRequest())
            #expect(all.totalCount == 2)
            #expect(all.items.map(\.name) == ["acc", "loss"])
            #expect(all.items[0].value == 0.9)
            #expect(all.items[0].deploymentName == "d1")
            let filtered = try await store.metrics(workspaceID: "ws1", filter: MetricFilter(name: "loss"), page: PageRequest())
            #expect(filtered.items.map(\.value) == [3])
            #expect(try await store.metrics(workspaceID: "ws1", filter: MetricFilter(deploymentName: "d1"),
                                            page: PageRequest()).items.map(\.name) == ["acc"])
            let page2 = try await store.metrics(workspaceID: "ws1", filter: MetricFilter(), page: PageRequest(page: 2, itemsPerPage: 1))
            #expect(page2.items.map(\.name) == ["loss"])
            #expect(page2.totalCount == 2)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func listMetricsAppendInOrder(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            var expected: [Double] = []
            for batch in 0..<5 {
                let values = (0..<10_000).map { Double(batch * 10_000 + $0) * 0.5 }
                expected += values
                try await store.appendListMetric(workspaceID: "ws1", ListMetric(name: "curve", values: values, executionID: "e1",
                                                                                pipelineName: "p1", deploymentName: nil,
                                                                                createdAt: t0.addingTimeInterval(Double(batch))))
            }
            for index in 0..<3 {
                try await store.appendListMetric(workspaceID: "ws1", ListMetric(name: "m\(index)", values: [Double(index)],
                                                                                executionID: "e2", pipelineName: "p2",
                                                                                deploymentName: nil, createdAt: t0))
            }
            let page = try await store.listMetrics(workspaceID: "ws1", filter: MetricFilter(name: "curve"), page: PageRequest())
            #expect(page.totalCount == 1)
            let curve = try #require(page.items.first)
            #expect(curve.values.count == 50_000)
            #expect(curve.values == expected)
            #expect(curve.createdAt == t0)

            let all = try await store.listMetrics(workspaceID: "ws1", filter: MetricFilter(), page: PageRequest(page: 1, itemsPerPage: 2))
            #expect(all.totalCount == 4)
            #expect(all.items.map(\.name) == ["curve", "m0"])
            let second = try await store.listMetrics(workspaceID: "ws1", filter: MetricFilter(), page: PageRequest(page: 2, itemsPerPage: 2))
            #expect(second.items.map(\.name) == ["m1", "m2"])
            #expect(second.items.map(\.values) == [[1], [2]])
            let byPipeline = try await store.listMetrics(workspaceID: "ws1", filter: MetricFilter(pipelineName: "p2"), page: PageRequest())
            #expect(byPipeline.totalCount == 3)
            #expect(try await store.listMetrics(workspaceID: "ws2", filter: MetricFilter(), page: PageRequest()).totalCount == 0)
        }
    }

    func object(_ path: String, blob: String, workspace: String = "ws1") -> DataObject {
        DataObject(workspaceID: workspace, path: path, size: 3, blob: blob, etag: "etag-\(blob)", lastModified: t0)
    }

    @Test(arguments: StoreBackendKind.available)
    func dataObjects(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            #expect(try await store.putObject(object("a/x.txt", blob: "b1")) == nil)
            #expect(try await store.putObject(object("a/x.txt", blob: "b2")) == "b1", "replace returns the previous blob")
            #expect(try await store.object(workspaceID: "ws1", path: "a/x.txt")?.blob == "b2")
            #expect(try await store.object(workspaceID: "ws2", path: "a/x.txt") == nil)
            for path in ["a/y.txt", "a/z/w.txt", "ab.txt", "b/c.txt", "a.txt"] {
                _ = try await store.putObject(object(path, blob: "blob-\(path)"))
            }
            _ = try await store.putObject(object("a/secret.txt", blob: "other", workspace: "ws2"))

            let underA = try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: nil, limit: 100)
            #expect(underA.map(\.path) == ["a/x.txt", "a/y.txt", "a/z/w.txt"])
            let afterX = try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: "a/x.txt", limit: 100)
            #expect(afterX.map(\.path) == ["a/y.txt", "a/z/w.txt"])
            let limited = try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: nil, limit: 1)
            #expect(limited.map(\.path) == ["a/x.txt"])
            #expect(try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: nil, limit: 0).isEmpty)
            #expect(try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: nil, limit: -1).isEmpty)
            let everything = try await store.listObjects(workspaceID: "ws1", prefix: "", after: nil, limit: 100)
            #expect(everything.map(\.path) == ["a.txt", "a/x.txt", "a/y.txt", "a/z/w.txt", "ab.txt", "b/c.txt"])
            let afterBeforePrefix = try await store.listObjects(workspaceID: "ws1", prefix: "b/", after: "a", limit: 100)
            #expect(afterBeforePrefix.map(\.path) == ["b/c.txt"])
            let afterEnd = try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: "a/zz", limit: 100)
            #expect(afterEnd.isEmpty)
            // Prefixes are case-sensitive, listings in byte order (upper case first), `_` and `%` plain.
            _ = try await store.putObject(object("A/upper.txt", blob: "up"))
            _ = try await store.putObject(object("a_%/odd.txt", blob: "odd"))
            #expect(try await store.listObjects(workspaceID: "ws1", prefix: "a/", after: nil, limit: 100).map(\.path)
                    == ["a/x.txt", "a/y.txt", "a/z/w.txt"])
            #expect(try await store.listObjects(workspaceID: "ws1", prefix: "", after: nil, limit: 2).map(\.path)
                    == ["A/upper.txt", "a.txt"])
            #expect(try await store.listObjects(workspaceID: "ws1", prefix: "a_%", after: nil, limit: 100).map(\.path)
                    == ["a_%/odd.txt"])

            #expect(try await store.deleteObject(workspaceID: "ws1", path: "a/x.txt") == "b2")
            #expect(try await store.deleteObject(workspaceID: "ws1", path: "a/x.txt") == nil)
            #expect(try await store.object(workspaceID: "ws1", path: "a/x.txt") == nil)

            let upload = MultipartUpload(id: "up1", workspaceID: "ws1", path: "big.bin", createdAt: t0)
            try await store.createMultipartUpload(upload)
            #expect(try await store.multipartUpload(id: "up1") == upload)
            try await store.deleteMultipartUpload(id: "up1")
            #expect(try await store.multipartUpload(id: "up1") == nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func environmentVariables(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.setVariables(workspaceID: "ws1", [EnvironmentVariable(name: "B", value: "1"),
                                                              EnvironmentVariable(name: "A", value: "x")])
            try await store.setVariables(workspaceID: "ws1", [EnvironmentVariable(name: "B", value: "2")])
            try await store.setVariables(workspaceID: "ws2", [EnvironmentVariable(name: "C", value: "3")])
            #expect(try await store.variables(workspaceID: "ws1") == [EnvironmentVariable(name: "A", value: "x"),
                                                                       EnvironmentVariable(name: "B", value: "2")])
            #expect(try await store.deleteVariable(workspaceID: "ws1", name: "A") == EnvironmentVariable(name: "A", value: "x"))
            #expect(try await store.deleteVariable(workspaceID: "ws1", name: "A") == nil)
            #expect(try await store.deleteVariable(workspaceID: "ws1", name: "C") == nil, "other workspace untouched")
            #expect(try await store.variables(workspaceID: "ws1").map(\.name) == ["B"])
            #expect(try await store.variables(workspaceID: "ws2").map(\.name) == ["C"])
        }
    }
}
