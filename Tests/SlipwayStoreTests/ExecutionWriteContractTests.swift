import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Deployments and the execution write path (group-committed on SQLite, one transaction per
/// write on PostgreSQL), run against every backend.
@Suite("Deployments and execution writes contract")
struct ExecutionWriteContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func makeDeployment(_ name: String, path: String? = nil, rule: ExecutionRule = .endpoint) -> Deployment {
        Deployment(id: UUID().uuidString.lowercased(), workspaceID: "ws1", name: name, pipelineID: "pid", pipelineName: "p1",
                   stepID: "sid", rule: rule, mode: .lowLatency, status: .starting, endpointPath: path ?? name,
                   endpointTokenHash: "h", endpointTokenSealed: "s", schedule: rule == .periodic ? "* * * * *" : nil,
                   inputsMapping: [InputMapping(input: "a", source: .endpoint(name: "x", required: false, default: .number(2)))],
                   outputsMapping: [OutputMapping(output: "b", destination: .dataStore(path: "out/{execution_id}.json"))],
                   parallelExecutions: true, maxParallelExecutions: 5, ramRequestBytes: 1 << 30, executionTimeoutSeconds: 9,
                   createdAt: t0, createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func deploymentRoundTripAndLookups(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let deployment = makeDeployment("d1", path: "team/d1")
            try await store.insertDeployment(deployment)
            #expect(try await store.deployment(workspaceID: "ws1", name: "d1") == deployment)
            #expect(try await store.deployment(workspaceID: "ws1", endpointPath: "team/d1")?.id == deployment.id)
            #expect(try await store.deployment(workspaceID: "ws2", endpointPath: "team/d1") == nil)
            #expect(try await store.deployments(pipelineID: "pid").count == 1)
            // Unique name and path per workspace.
            await #expect(throws: (any Error).self) { try await store.insertDeployment(makeDeployment("d1", path: "other")) }
            await #expect(throws: (any Error).self) { try await store.insertDeployment(makeDeployment("d2", path: "team/d1")) }
            var changed = deployment
            changed.isEnabled = false
            changed.endpointTokenHash = "h2"
            try await store.updateDeployment(changed)
            #expect(try await store.deployment(workspaceID: "ws1", name: "d1")?.endpointTokenHash == "h2")
            try await store.deleteDeployment(id: deployment.id)
            #expect(try await store.listDeployments(workspaceID: "ws1").isEmpty)
        }
    }

    /// The inference-recording flag (migration 20) is stored, changed and read back; records of
    /// a pipeline deployment (no model version) read back by deployment and feed the per-feature
    /// columns that drift reads.
    @Test(arguments: StoreBackendKind.available)
    func inferenceRecordingFlagAndThePipelineDeploymentsRecords(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let plain = makeDeployment("plain")
            try await store.insertDeployment(plain)
            let readPlain = try await store.deployment(workspaceID: "ws1", name: "plain")
            #expect(readPlain?.recordsInferences == false)
            var recording = makeDeployment("recording")
            recording.recordsInferences = true
            try await store.insertDeployment(recording)
            let readRecording = try await store.deployment(workspaceID: "ws1", name: "recording")
            #expect(readRecording == recording)
            recording.recordsInferences = false
            try await store.updateDeployment(recording)
            let byPath = try await store.deployment(workspaceID: "ws1", endpointPath: "recording")
            #expect(byPath?.recordsInferences == false)
            let switched = try await DeploymentInferences(store: store, now: { self.t0 })
                .setRecording(true, workspaceID: "ws1", deploymentName: "recording", userID: "u2")
            let stored = try #require(try await store.deployment(workspaceID: "ws1", name: "recording"))
            #expect(stored == switched)
            #expect(stored.recordsInferences)
            #expect(stored.updatedBy == "u2")

            let ids = InferenceRecordIDs(at: t0)
            let records = (0..<3).map { index in
                InferenceRecord(id: ids.id(at: index), workspaceID: "ws1", deploymentID: recording.id, pipelineID: "pid",
                                time: t0.addingTimeInterval(Double(index)), externalID: "exec-\(index)",
                                inputs: ["x": .number(Double(index))], outputs: ["y": .number(Double(index) * 2)],
                                latency: .milliseconds(3))
            }
            try await store.appendInferenceRecords(records)
            let page = try await DeploymentInferences(store: store).records(of: stored, order: .oldestFirst, limit: 2)
            #expect(page.records.map(\.externalID) == ["exec-0", "exec-1"])
            #expect(page.records.first?.latency == .milliseconds(3))
            #expect(page.nextCursor != nil)
            let none = try await DeploymentInferences(store: store).records(of: plain)
            #expect(none.records.isEmpty)
            let series = try await store.inferenceSeries(InferenceSeriesQuery(
                workspaceID: "ws1", pipelineID: "pid", feature: InferenceFeature(side: .output, name: "y"),
                start: t0, end: t0.addingTimeInterval(10)))
            #expect(series.values == [0, 2, 4])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func statusAndScheduleSlotsAreCompareAndSet(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let deployment = makeDeployment("p", rule: .periodic)
            try await store.insertDeployment(deployment)
            #expect(try await store.updateDeploymentStatus(id: deployment.id, from: .starting, to: .ready, at: t0))
            #expect(try await !store.updateDeploymentStatus(id: deployment.id, from: .starting, to: .ready, at: t0))
            let slot1 = t0.addingTimeInterval(60)
            let slot2 = t0.addingTimeInterval(120)
            #expect(try await store.claimScheduleSlot(id: deployment.id, previous: nil, slot: slot1))
            #expect(try await !store.claimScheduleSlot(id: deployment.id, previous: nil, slot: slot1))
            #expect(try await store.claimScheduleSlot(id: deployment.id, previous: slot1, slot: slot2))
            #expect(try await !store.claimScheduleSlot(id: deployment.id, previous: slot1, slot: slot2))
            // Many at once: each claim holds only from the mark it names; more claims than fit
            // one statement.
            var deployments: [Deployment] = []
            for index in 0..<1_200 {
                var other = makeDeployment("p\(index)", rule: .periodic)
                other.lastScheduledAt = slot1
                try await store.insertDeployment(other)
                deployments.append(other)
            }
            let claims = deployments.enumerated().map { index, other in
                ScheduleSlotClaim(deploymentID: other.id, previous: index % 3 == 0 ? slot2 : slot1, slot: slot2)
            }
            let claimed = try await store.claimScheduleSlots(claims)
            #expect(claimed == Set(claims.filter { $0.previous == slot1 }.map(\.deploymentID)))
            #expect(try await store.claimScheduleSlots(claims).isEmpty)
            for (index, other) in deployments.enumerated().prefix(6) {
                let stored = try await store.deployment(workspaceID: "ws1", name: other.name)
                #expect(stored?.lastScheduledAt == (index % 3 == 0 ? slot1 : slot2))
            }
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func concurrentExecutionWritesAreGroupCommittedAndOrdered(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let count = 200
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let execution = Execution(
                            id: "e\(index)", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid",
                            deploymentName: "d1", trigger: .endpoint, status: .pending, createdAt: t0, createdBy: "u1")
                        try await store.insertExecution(
                            execution, inputs: [ExecutionInput(name: "a", dataType: .number, source: .endpoint(name: "x"), value: .number(Double(index)))],
                            outputs: [ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"))])
                        #expect(try await store.updateExecutionStatus(id: execution.id, from: .pending, to: .running, at: t0,
                                                                      message: nil))
                        let finished = try await store.finishExecution(
                            id: execution.id, from: .running, to: .succeeded, at: t0, message: nil,
                            outputs: [ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"),
                                                      value: .number(Double(index) * 2))],
                            logs: [LogLine(timestamp: t0, stream: .stdout, message: "line \(index)")])
                        #expect(finished)
                    }
                }
                try await group.waitForAll()
            }
            let all = try await store.listExecutions(workspaceID: "ws1", deploymentName: "d1")
            #expect(all.count == count)
            #expect(all.allSatisfy { $0.status == .succeeded && $0.endedAt != nil && $0.startedAt != nil })
            #expect(try await store.outputs(executionID: "e7").first?.value == .number(14))
            #expect(try await store.logs(subject: .execution("e9"), query: LogQuery()).map(\.message) == ["line 9"])
            // A finish whose compare-and-set fails stores neither outputs nor logs.
            #expect(try await !store.finishExecution(
                id: "e7", from: .running, to: .failed, at: t0, message: "late",
                outputs: [ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"),
                                          value: .number(-1))],
                logs: [LogLine(timestamp: t0, stream: .stdout, message: "late")]))
            #expect(try await store.outputs(executionID: "e7").first?.value == .number(14))
            #expect(try await store.logs(subject: .execution("e7"), query: LogQuery()).count == 1)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func batchedWritesKeepEveryValueExactly(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { (store: SQLMetadataStore) async throws in
            let awkward = "quote \" backslash \\ newline \n tab \t bell \u{7} é 日本 🚀 ' ; -- DROP TABLE x"
            let created = Date(timeIntervalSince1970: 1_795_000_000.123456789)
            let started = Date(timeIntervalSince1970: 1_795_000_000.987654321), ended = Date(timeIntervalSince1970: 1e9)
            var execution = execution("exact", status: .pending)
            execution.createdAt = created
            execution.createdBy = awkward
            execution.deploymentName = nil
            let value: JSONValue = .object(["s": .string(awkward), "n": .number(0.1), "big": .number(1e300),
                                            "neg": .number(-42), "list": .array([.null, .bool(true)])])
            let input = ExecutionInput(name: "in \u{1F680}", dataType: .json, source: .endpoint(name: awkward), value: value)
            let nullInput = ExecutionInput(name: "null", dataType: .json, source: .endpoint(name: "x"), value: .null)
            let absent = ExecutionInput(name: "absent", dataType: .file, source: .dataStore(path: "x"), value: nil,
                                        fileBlob: "blob/\(awkward)", fileName: awkward)
            try await applyInOneBatch(store, [
                .insert(execution, [input, nullInput, absent], [output(nil)]),
                .status(id: "exact", from: .pending, to: .running, at: started, message: nil),
                .finish(id: "exact", from: .running, to: .failed, at: ended, message: awkward,
                        outputs: [output(value)], logs: [LogLine(timestamp: started, stream: .stderr, message: awkward),
                                                         LogLine(timestamp: ended, stream: .stdout, message: ""),
                                                         LogLine(timestamp: ended, stream: .stdout, message: "a\u{0}b")]),
            ])
            let stored = try #require(try await store.execution(id: "exact"))
            #expect(stored.createdAt == created)
            #expect(stored.startedAt == started)
            #expect(stored.endedAt == ended)
            #expect(stored.createdBy == awkward)
            #expect(stored.failureMessage == awkward)
            #expect(stored.deploymentName == nil)
            #expect(try await store.inputs(executionID: "exact") == [input, nullInput, absent])
            #expect(try await store.outputs(executionID: "exact").map(\.value) == [value])
            let lines = try await store.logs(subject: .execution("exact"), query: LogQuery())
            // A NUL printed by a program survives in log lines.
            #expect(lines.map(\.message) == [awkward, "", "a\u{0}b"])
            #expect(lines.map(\.timestamp) == [started, ended, ended])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aFailingWriteDoesNotFailItsBatch(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let execution = Execution(id: "dup", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid",
                                      deploymentName: nil, trigger: .run, status: .pending, createdAt: t0, createdBy: "u1")
            try await store.insertExecution(execution, inputs: [], outputs: [])
            let duplicate = Task { try await store.insertExecution(execution, inputs: [], outputs: []) }
            let other = Task {
                try await store.insertExecution(
                    Execution(id: "ok", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid",
                              deploymentName: nil, trigger: .run, status: .pending, createdAt: t0, createdBy: "u1"),
                    inputs: [], outputs: [])
            }
            await #expect(throws: (any Error).self) { try await duplicate.value }
            try await other.value
            #expect(try await store.execution(id: "ok") != nil)
        }
    }

    /// Concurrent callers share transactions; each one's writes keep their order and are
    /// committed when its call returns.
    @Test(arguments: StoreBackendKind.available)
    func concurrentWritesAreCommittedWhenTheyReturn(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { (store: SQLMetadataStore) async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let execution = Execution(id: "q\(index)", workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1",
                                                  stepID: "sid", deploymentName: "d1", trigger: .endpoint, status: .running,
                                                  createdAt: self.t0, createdBy: "u1", startedAt: self.t0)
                        try await store.insertExecution(execution, inputs: [], outputs: [
                            ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"))])
                        let finished = try await store.finishExecution(
                            id: execution.id, from: .running, to: .succeeded, at: self.t0, message: nil,
                            outputs: [ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"), value: .number(Double(index)))],
                            logs: [LogLine(timestamp: self.t0, stream: .stdout, message: "q\(index)")])
                        #expect(finished)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.execution(id: "q199")?.status == .succeeded)
            #expect(try await store.listExecutions(workspaceID: "ws1", deploymentName: "d1").count == 200)
            #expect(try await store.outputs(executionID: "q3").first?.value == .number(3))
            #expect(try await store.logs(subject: .execution("q7"), query: LogQuery()).map(\.message) == ["q7"])
        }
    }

    /// Data stored with the Craft AI SDK's status spellings reads back in Slipway's own words.
    @Test(arguments: StoreBackendKind.available)
    func statusesStoredInTheSDKSpellingAreMigrated(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { (store: SQLMetadataStore) async throws in
            try await store.insertExecution(execution("old-ok", status: .succeeded), inputs: [], outputs: [])
            try await store.insertExecution(execution("old-run", status: .running), inputs: [], outputs: [])
            let up = makeDeployment("old-up"), retrying = makeDeployment("old-retrying")
            try await store.insertDeployment(up)
            try await store.insertDeployment(retrying)
            try await store.withDatabase { db in
                try await db.raw("UPDATE executions SET status = 'Succeeded' WHERE id = 'old-ok'").run()
                try await db.raw("UPDATE executions SET status = 'Running' WHERE id = 'old-run'").run()
                try await db.raw("UPDATE deployments SET status = 'up' WHERE id = \(bind: up.id)").run()
                try await db.raw("UPDATE deployments SET status = 'down_retrying' WHERE id = \(bind: retrying.id)").run()
                try await db.raw("DELETE FROM schema_migrations WHERE version = 7").run()
            }
            try await store.migrate()
            #expect(try await store.execution(id: "old-ok")?.status == .succeeded)
            #expect(try await store.unfinishedExecutions().map(\.id) == ["old-run"])
            #expect(try await store.deployment(workspaceID: "ws1", name: "old-up")?.status == .ready)
            #expect(try await store.deployment(workspaceID: "ws1", name: "old-retrying")?.status == .restarting)
        }
    }

    /// One batch of writes applied in one transaction, as the backend's write path applies a
    /// batch (on SQLite, as group commit does).
    func applyInOneBatch(_ store: SQLMetadataStore, _ operations: [ExecutionWrite]) async throws {
        let dialect = store.dialect
        _ = try await store.sqlTransaction { db in try await dialect.apply(operations, db: db) }
    }

    func execution(_ id: String, status: ExecutionStatus) -> Execution {
        Execution(id: id, workspaceID: "ws1", pipelineID: "pid", pipelineName: "p1", stepID: "sid", deploymentName: "d1",
                  trigger: .endpoint, status: status, createdAt: t0, createdBy: "u1", startedAt: status == .running ? t0 : nil)
    }

    func output(_ value: JSONValue?) -> ExecutionOutput {
        ExecutionOutput(name: "b", dataType: .number, destination: .endpoint(name: "x"), value: value)
    }

    @Test(arguments: StoreBackendKind.available)
    func foldedAndSeparateStatusChangesEndTheSame(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { (store: SQLMetadataStore) async throws in
            let started = t0.addingTimeInterval(1), ended = t0.addingTimeInterval(2)
            // "folded": insert, start and finish in one batch.
            try await applyInOneBatch(store, [
                .insert(execution("folded", status: .pending), [], [output(nil)]),
                .status(id: "folded", from: .pending, to: .running, at: started, message: nil),
                .finish(id: "folded", from: .running, to: .succeeded, at: ended, message: nil,
                        outputs: [output(.number(7))], logs: [LogLine(timestamp: ended, stream: .stdout, message: "f")]),
            ])
            // "separate": inserted and committed first, then the same changes as updates.
            try await store.insertExecution(execution("separate", status: .pending), inputs: [], outputs: [output(nil)])
            try await applyInOneBatch(store, [
                .status(id: "separate", from: .pending, to: .running, at: started, message: nil),
                .finish(id: "separate", from: .running, to: .succeeded, at: ended, message: nil,
                        outputs: [output(.number(7))], logs: [LogLine(timestamp: ended, stream: .stdout, message: "f")]),
            ])
            for id in ["folded", "separate"] {
                let stored = try #require(try await store.execution(id: id))
                #expect(stored.status == .succeeded, "\(id)")
                #expect(stored.startedAt == started, "\(id)")
                #expect(stored.endedAt == ended, "\(id)")
                #expect(try await store.outputs(executionID: id).map(\.value) == [.number(7)], "\(id)")
                #expect(try await store.logs(subject: .execution(id), query: LogQuery()).map(\.message) == ["f"], "\(id)")
            }
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func aChangeFromTheWrongStatusIsNotAppliedFoldedOrNot(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { (store: SQLMetadataStore) async throws in
            // In the batch of its insert: the fold checks the compare-and-set as the database would.
            try await applyInOneBatch(store, [
                .insert(execution("q", status: .running), [], [output(nil)]),
                .finish(id: "q", from: .pending, to: .failed, at: t0, message: "no", outputs: [], logs: []),
            ])
            #expect(try await store.execution(id: "q")?.status == .running)
            #expect(try await store.execution(id: "q")?.failureMessage == nil)
            // Committed first, then two finishes in one statement: only the one whose `from` holds applies.
            try await store.insertExecution(execution("r1", status: .running), inputs: [], outputs: [output(nil)])
            try await store.insertExecution(execution("r2", status: .running), inputs: [], outputs: [output(nil)])
            async let first = store.finishExecution(id: "r1", from: .running, to: .succeeded, at: t0, message: nil,
                                                    outputs: [output(.number(1))], logs: [])
            async let second = store.finishExecution(id: "r2", from: .pending, to: .succeeded, at: t0, message: nil,
                                                     outputs: [output(.number(2))], logs: [])
            #expect(try await first)
            #expect(try await !second)
            #expect(try await store.outputs(executionID: "r2").map(\.value) == [nil])
        }
    }

    /// SQLite's group commit folds status changes into inserts of the same batch.
    @Test func foldingStopsAtTheFirstChangeItCannotApply() {
        var operations: [ExecutionWrite] = [
            .insert(execution("a", status: .pending), [], [output(nil)]),
            .status(id: "a", from: .pending, to: .running, at: t0, message: nil),
            .outputs(executionID: "a", [output(.number(1))]),
            .finish(id: "a", from: .running, to: .succeeded, at: t0, message: nil, outputs: [], logs: []),
            .finish(id: "elsewhere", from: .running, to: .succeeded, at: t0, message: nil, outputs: [], logs: []),
        ]
        _ = ExecutionWriteBatcher.foldTransitionsIntoInserts(&operations)
        guard case .insert(let folded, _, _) = operations[0] else { Issue.record("insert expected"); return }
        #expect(folded.status == .running, "the start is folded")
        if case .barrier = operations[1] {} else { Issue.record("the folded start leaves a no-op") }
        if case .outputs = operations[2] {} else { Issue.record("a separate outputs write is kept") }
        if case .finish = operations[3] {} else { Issue.record("changes after it are kept") }
        if case .finish = operations[4] {} else { Issue.record("changes of executions not inserted here are kept") }
    }
}
