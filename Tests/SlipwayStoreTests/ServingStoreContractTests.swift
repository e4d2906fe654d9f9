import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// Models, pipeline versions, serving deployments, inference records and object numbers, run
/// against every backend.
@Suite("Model serving store contract")
struct ServingStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)
    let digest = try! SHA256Hex(String(repeating: "ab", count: 32))

    func makeVersion(_ id: String, model: String = "m1") -> ModelVersion {
        ModelVersion(id: id, modelID: model, workspaceID: "ws1", number: 99, blobKey: "blob-\(id)", fileName: "ccfraud.onnx",
                     size: 1234, sha256: digest, framework: .onnx,
                     inputSchema: ModelSchema(fields: [.init(name: "tensor", type: .float32, shape: [29])]),
                     configuration: .object(["python_version": .string("3.11")]), status: .ready, createdAt: t0,
                     createdBy: "u1")
    }

    @Test(arguments: StoreBackendKind.available)
    func modelsAndVersions(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = Model(id: "m1", workspaceID: "ws1", name: "ccfraud", createdAt: t0, createdBy: "u1")
            let second = Model(id: "m2", workspaceID: "ws1", name: "other", createdAt: t0.addingTimeInterval(1), createdBy: "u1")
            try await store.insertModel(first)
            try await store.insertModel(second)
            await #expect(throws: (any Error).self) {
                try await store.insertModel(Model(id: "m3", workspaceID: "ws1", name: "ccfraud", createdAt: t0, createdBy: "u1"))
            }
            #expect(try await store.listModels(workspaceID: "ws1").map(\.id) == ["m2", "m1"])
            #expect(try await store.model(workspaceID: "ws1", name: "ccfraud") == first)
            #expect(try await store.model(id: "m9") == nil)

            let v1 = try await store.insertModelVersion(makeVersion("v1"))
            var later = makeVersion("v2")
            later.createdAt = t0.addingTimeInterval(60)
            let v2 = try await store.insertModelVersion(later)
            #expect(v1.number == 1)
            #expect(v2.number == 2)
            #expect(try await store.modelVersion(id: "v1") == v1)
            #expect(try await store.modelVersions(modelID: "m1").map(\.id) == ["v1", "v2"])
            #expect(try await store.model(id: "m1")?.updatedAt == later.createdAt)
            try await store.updateModelVersionStatus(id: "v2", status: .failed, message: "not an ONNX file")
            let failed = try await store.modelVersion(id: "v2")
            #expect(failed?.status == .failed)
            #expect(failed?.statusMessage == "not an ONNX file")
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func pipelineVersionsAndDeployments(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let pipeline = Pipeline(id: "p1", workspaceID: "ws1", name: "fraud", graph: PipelineGraph(nodes: []),
                                    ownsStep: false, createdAt: t0, createdBy: "u1")
            try await store.insertPipeline(pipeline)
            let graph = PipelineGraph(nodes: [PipelineNode(name: "ccfraud", kind: .model(modelVersionID: "v1"))])
            let version = PipelineVersion(id: "pv1", pipelineID: "p1", workspaceID: "ws1", graph: graph, createdAt: t0,
                                          createdBy: "u1")
            try await store.insertPipelineVersion(version)
            #expect(try await store.pipelineVersion(id: "pv1") == version)
            #expect(try await store.pipelineVersions(pipelineID: "p1") == [version])
            #expect(try await store.pipeline(id: "p1")?.graph == graph)

            let deployment = ModelDeployment(
                id: "d1", workspaceID: "ws1", name: "fraud", pipelineID: "p1", pipelineVersionID: "pv1",
                resources: ServingResources(cpus: 0.5, memoryBytes: 1 << 30, replicas: 2), status: .starting,
                createdAt: t0, createdBy: "u1")
            try await store.insertModelDeployment(deployment)
            await #expect(throws: (any Error).self) {
                var twin = deployment
                twin.id = "d2"
                try await store.insertModelDeployment(twin)
            }
            #expect(try await store.modelDeployment(id: "d1") == deployment)
            #expect(try await store.modelDeployment(workspaceID: "ws1", name: "fraud") == deployment)
            var running = deployment
            running.status = .running
            running.generation = 2
            running.updatedAt = t0.addingTimeInterval(5)
            try await store.updateModelDeployment(running)
            #expect(try await store.modelDeployments(pipelineID: "p1") == [running])
            #expect(try await store.activeModelDeployments().map(\.id) == ["d1"])
            running.status = .stopped
            try await store.updateModelDeployment(running)
            #expect(try await store.activeModelDeployments().isEmpty)
        }
    }

    func record(_ id: String, at seconds: Double, pipeline: String = "p1", shadowOf: String? = nil) -> InferenceRecord {
        InferenceRecord(id: id, workspaceID: "ws1", deploymentID: "d1", pipelineID: pipeline, pipelineVersionID: "pv1",
                        modelVersionID: shadowOf == nil ? "v1" : "v2", isShadow: shadowOf != nil, shadowOf: shadowOf,
                        time: t0.addingTimeInterval(seconds),
                        inputs: ["tensor": .vector([1, 2.5, -3])], outputs: ["dense_1": .vector([0.25])],
                        latency: .microseconds(1500))
    }

    @Test(arguments: StoreBackendKind.available)
    func inferenceRecordsPageInBothOrders(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            // Several records share a time (one batch), as inference writes them.
            var records: [InferenceRecord] = []
            for index in 0..<25 {
                records.append(record(String(format: "r%03d", index), at: Double(index / 3)))
            }
            records.append(record("s001", at: 0, shadowOf: "r001"))
            records.append(record("x001", at: 1, pipeline: "p2"))
            try await store.appendInferenceRecords(records)
            await #expect(throws: (any Error).self) { try await store.appendInferenceRecords([records[0]]) }

            for order in [InferenceRecordQuery.Order.oldestFirst, .newestFirst] {
                var query = InferenceRecordQuery(workspaceID: "ws1", pipelineID: "p1", order: order, limit: 7)
                var seen: [String] = []
                while true {
                    let page = try await store.inferenceRecords(query)
                    seen += page.records.map(\.id)
                    guard let next = page.nextCursor else { break }
                    query.cursor = next
                }
                let expected = records.filter { $0.pipelineID == "p1" && !$0.isShadow }.map(\.id)
                #expect(seen == (order == .oldestFirst ? expected : expected.reversed()))
            }
            let window = InferenceRecordQuery(workspaceID: "ws1", pipelineID: "p1", start: t0.addingTimeInterval(2),
                                              end: t0.addingTimeInterval(4), order: .oldestFirst)
            #expect(try await store.inferenceRecords(window).records.map(\.id) == ["r006", "r007", "r008", "r009", "r010", "r011"])
            let first = try await store.inferenceRecords(InferenceRecordQuery(workspaceID: "ws1", pipelineID: "p1",
                                                                              order: .oldestFirst, limit: 1)).records[0]
            #expect(first == records[0])
            #expect(try await store.shadowRecords(of: ["r001", "r002"]).map(\.id) == ["s001"])
            #expect(try await store.inferenceRecords(InferenceRecordQuery(workspaceID: "ws2")).records.isEmpty)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func numbersAreStableAndIncreasing(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            #expect(try await store.number(of: .model, id: "m1") == 1)
            #expect(try await store.number(of: .model, id: "m2") == 2)
            #expect(try await store.number(of: .model, id: "m1") == 1)
            #expect(try await store.number(of: .pipeline, id: "m1") == 1)
            #expect(try await store.assignedNumbers(of: .model, ids: ["m1", "m2", "m3"]) == ["m1": 1, "m2": 2])
            #expect(try await store.objectID(of: .model, number: 2) == "m2")
            #expect(try await store.objectID(of: .model, number: 3) == nil)
            // Concurrent requests for new objects still get distinct numbers.
            let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<12 { group.addTask { try await store.number(of: .deployment, id: "d\(index)") } }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(Set(numbers) == Set(1...12))
        }
    }
}
