import Foundation
import Testing

@testable import SlipwayCore
@testable import SlipwayStore

/// `MonitoringStore` (migration 17), run against every backend: monitored models round trip
/// with their attributes, partner ids are unique per workspace, ground truth is written onto
/// the shared record store by (deployment, external id), batches and reference data count.
@Suite("Monitoring store contract")
struct MonitoringStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func model(_ id: String, workspace: String = "ws1", partner: String = "credit", batch: Bool = false) -> MonitoredModel {
        MonitoredModel(
            id: id, workspaceID: workspace, partnerModelID: partner, displayName: "Credit", description: "d",
            inputKind: .tabular, outputKind: .multiclass, isBatch: batch,
            attributes: [
                MonitoredAttribute(name: "age", valueType: .integer, stage: .modelInput, position: 0),
                MonitoredAttribute(name: "city", valueType: .string, stage: .modelInput, position: 1, isCategorical: true,
                                   categories: ["Paris"]),
                MonitoredAttribute(name: "p", valueType: .float, stage: .predictedValue, position: 0, linkedAttribute: "y"),
                MonitoredAttribute(name: "y", valueType: .integer, stage: .groundTruth, position: 0, linkedAttribute: "p"),
            ],
            createdBy: "u1", createdAt: t0, updatedAt: t0)
    }

    func record(_ id: String, external: String?, deployment: String = "m1", batch: String? = nil, offset: Double = 0) -> InferenceRecord {
        var record = InferenceRecord(id: id, workspaceID: "ws1", deploymentID: deployment, pipelineID: deployment,
                                     time: t0.addingTimeInterval(offset), externalID: external, inputs: ["age": .number(3)],
                                     outputs: ["p": .number(0.5)])
        record.batchID = batch
        return record
    }

    @Test(arguments: StoreBackendKind.available)
    func modelsRoundTripAndPartnerIdsAreUniquePerWorkspace(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            let first = model("m1")
            try await store.insertMonitoredModel(first)
            try await store.insertMonitoredModel(model("m2", workspace: "ws2"))
            try await store.insertMonitoredModel(model("m3", partner: "other"))
            #expect(try await store.monitoredModel(id: "m1") == first)
            #expect(try await store.monitoredModel(workspaceID: "ws1", partnerModelID: "credit") == first)
            #expect(try await store.monitoredModel(workspaceID: "ws3", partnerModelID: "credit") == nil)
            #expect(try await store.monitoredModels(workspaceID: "ws1").map(\.id) == ["m1", "m3"])
            await #expect(throws: (any Error).self) { try await store.insertMonitoredModel(model("m4")) }
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func groundTruthIsSetByExternalIdOfTheDeploymentOnly(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.appendInferenceRecords([
                record("r1", external: "a", batch: "b1"), record("r2", external: "b", offset: 1),
                record("r3", external: "a", deployment: "m2"),
            ])
            #expect(try await store.existingExternalIDs(deploymentID: "m1", among: ["a", "b", "c"]) == ["a", "b"])
            let when = t0.addingTimeInterval(60)
            let matched = try await store.attachGroundTruth(deploymentID: "m1", [
                GroundTruthUpdate(externalID: "a", values: ["y": .number(1)], time: when),
                GroundTruthUpdate(externalID: "zz", values: ["y": .number(0)], time: when),
            ])
            #expect(matched == ["a"])
            let page = try await store.inferenceRecords(InferenceRecordQuery(workspaceID: "ws1", order: .oldestFirst))
            let byID = Dictionary(uniqueKeysWithValues: page.records.map { ($0.id, $0) })
            #expect(byID["r1"]?.groundTruth == ["y": .number(1)] && byID["r1"]?.groundTruthTime == when)
            #expect(byID["r1"]?.batchID == "b1")
            #expect(byID["r2"]?.groundTruth == nil)
            #expect(byID["r3"]?.groundTruth == nil, "another deployment's record with the same external id is untouched")
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func batchesAndReferenceDataCountAndClose(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.countBatchRecords(modelID: "m1", ["b1": 2, "b2": 1], at: t0)
            try await store.countBatchRecords(modelID: "m1", ["b1": 3], at: t0.addingTimeInterval(1))
            #expect(try await store.monitoringBatch(modelID: "m1", batchID: "b1")?.storedRecordCount == 5)
            let closed = try await store.closeMonitoringBatch(modelID: "m1", batchID: "b1", declaredCount: 6, at: t0.addingTimeInterval(2))
            #expect(closed == MonitoringBatch(modelID: "m1", batchID: "b1", status: .uploaded, storedRecordCount: 5,
                                              declaredRecordCount: 6, createdAt: t0, updatedAt: t0.addingTimeInterval(2)))
            let empty = try await store.closeMonitoringBatch(modelID: "m1", batchID: "b9", declaredCount: nil, at: t0)
            #expect(empty.storedRecordCount == 0 && empty.status == .uploaded)
            #expect(try await store.monitoringBatch(modelID: "m2", batchID: "b1") == nil)

            try await store.appendReferenceRows(modelID: "m1", [["age": .number(1)], ["age": .number(2)]], at: t0)
            try await store.appendReferenceRows(modelID: "m1", [["age": .number(3), "city": .string("Paris")]], at: t0)
            #expect(try await store.referenceRows(modelID: "m1") == [["age": .number(1)], ["age": .number(2)],
                                                                     ["age": .number(3), "city": .string("Paris")]])
            let set = try await store.closeReferenceData(modelID: "m1", declaredCount: 3, at: t0.addingTimeInterval(5))
            #expect(set.status == .uploaded && set.storedRecordCount == 3 && set.declaredRecordCount == 3)
            #expect(try await store.referenceDataSet(modelID: "m1") == set)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func deletingAModelRemovesItsRecordsBatchesAndReferenceData(_ backend: StoreBackendKind) async throws {
        try await withStore(backend) { store in
            try await store.insertMonitoredModel(model("m1"))
            try await store.appendInferenceRecords([record("r1", external: "a"), record("r2", external: "a", deployment: "m2")])
            try await store.countBatchRecords(modelID: "m1", ["b1": 1], at: t0)
            try await store.appendReferenceRows(modelID: "m1", [["age": .number(1)]], at: t0)
            try await store.deleteMonitoredModel(id: "m1")
            #expect(try await store.monitoredModel(id: "m1") == nil)
            #expect(try await store.inferenceRecords(InferenceRecordQuery(workspaceID: "ws1")).records.map(\.id) == ["r2"])
            #expect(try await store.monitoringBatch(modelID: "m1", batchID: "b1") == nil)
            #expect(try await store.referenceRows(modelID: "m1").isEmpty)
            #expect(try await store.referenceDataSet(modelID: "m1") == nil)
        }
    }
}
