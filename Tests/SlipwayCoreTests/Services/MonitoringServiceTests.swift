import Foundation
import Testing

@testable import SlipwayCore

/// Monitored models on the in-memory store: registration rules, ingestion with per-record
/// outcomes (never coercing a value), ground truth joined on the inference id, batches,
/// reference data, capture files, and queries.
@Suite struct MonitoringServiceTests {
    static let attributes = [
        MonitoredAttribute(name: "age", valueType: .integer, stage: .modelInput, position: 0),
        MonitoredAttribute(name: "income", valueType: .float, stage: .modelInput, position: 1),
        MonitoredAttribute(name: "city", valueType: .string, stage: .modelInput, position: 2, isCategorical: true,
                           categories: ["Paris", "Lyon"]),
        MonitoredAttribute(name: "region", valueType: .string, stage: .nonInputData, position: 0),
        MonitoredAttribute(name: "score", valueType: .float, stage: .predictedValue, position: 0, linkedAttribute: "label"),
        MonitoredAttribute(name: "label", valueType: .integer, stage: .groundTruth, position: 0, linkedAttribute: "score"),
    ]

    func makeModel(_ h: ServiceHarness, batch: Bool = false, partner: String = "credit") async throws -> (MonitoringService, MonitoredModel, User) {
        let service = MonitoringService(platform: h.platform)
        let user = try #require(try await h.accounts.user(id: h.principal.userID))
        let model = try await service.createModel(
            MonitoredModelDraft(partnerModelID: partner, inputKind: .tabular, outputKind: .regression, isBatch: batch,
                                attributes: Self.attributes), in: h.workspace, by: user)
        return (service, model, user)
    }

    func inference(_ id: String?, age: FeatureValue = .number(30), score: FeatureValue = .number(0.5),
                   batch: String? = nil) -> IncomingInference {
        IncomingInference(externalID: id, time: Date(timeIntervalSince1970: 1_700_000_000),
                          values: ["age": age, "income": .number(1200.5), "city": .string("Paris"), "score": score], batchID: batch)
    }

    @Test func createdModelsAreReadyFoundByIdOrPartnerIdAndUniquePerWorkspace() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, user) = try await makeModel(h)
        #expect(model.status == .ready && model.displayName == "credit")
        #expect(model.attributes.map(\.name) == ["age", "income", "city", "region", "score", "label"])
        #expect(try await service.model(id: model.id, in: h.workspace) == model)
        #expect(try await service.model(partnerModelID: "credit", in: h.workspace) == model)
        await expectRefusedUnchanged(.conflict, in: h.store) {
            try await service.createModel(MonitoredModelDraft(partnerModelID: "credit", inputKind: .tabular, outputKind: .regression,
                                                              attributes: Self.attributes), in: h.workspace, by: user)
        }
        let other = try await h.accounts.createWorkspace(named: "other", ownerID: user.id)
        await expectSlipwayError(.notFound) { try await service.model(id: model.id, in: other) }
    }

    @Test(arguments: [
        ("no input", [MonitoredAttribute(name: "p", valueType: .float, stage: .predictedValue, position: 0)]),
        ("no prediction", [MonitoredAttribute(name: "x", valueType: .float, stage: .modelInput, position: 0)]),
        ("same name", [MonitoredAttribute(name: "x", valueType: .float, stage: .modelInput, position: 0),
                       MonitoredAttribute(name: "x", valueType: .float, stage: .predictedValue, position: 0)]),
        ("same position", [MonitoredAttribute(name: "x", valueType: .float, stage: .modelInput, position: 0),
                           MonitoredAttribute(name: "y", valueType: .float, stage: .modelInput, position: 0),
                           MonitoredAttribute(name: "p", valueType: .float, stage: .predictedValue, position: 0)]),
        ("bad link", [MonitoredAttribute(name: "x", valueType: .float, stage: .modelInput, position: 0, linkedAttribute: "p"),
                      MonitoredAttribute(name: "p", valueType: .float, stage: .predictedValue, position: 0)]),
    ])
    func invalidModelsAreRefused(_ label: String, _ attributes: [MonitoredAttribute]) async throws {
        let h = try await ServiceHarness.make()
        let service = MonitoringService(platform: h.platform)
        let user = try #require(try await h.accounts.user(id: h.principal.userID))
        await expectRefusedUnchanged(.badRequest, in: h.store) {
            try await service.createModel(MonitoredModelDraft(partnerModelID: "m", inputKind: .tabular, outputKind: .regression,
                                                              attributes: attributes), in: h.workspace, by: user)
        }
    }

    @Test func ingestionReportsEachRecordInOrderAndStoresOnlyTheGoodOnes() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h)
        var withUnknown = inference("e")
        withUnknown.values["nope"] = .number(1)
        var missing = inference("f")
        missing.values["score"] = nil
        var groundTruthAsInput = inference("g")
        groundTruthAsInput.values["label"] = .number(1)
        let report = try await service.ingest([
            inference("a"), inference("b", age: .string("30")), inference("c", age: .number(30.5)), inference(nil),
            withUnknown, missing, groundTruthAsInput, inference("a"), inference("h", score: .bool(true)), inference("i", age: .null),
        ], into: model)
        #expect(report.outcomes.map(\.isStored) == [true, false, false, false, false, false, false, false, false, true])
        #expect(report.outcomes[1].error?.message == "attribute 'age' must be an integer, got the string '30'")
        #expect(report.outcomes[2].error?.message == "attribute 'age' must be an integer, got the number 30.5")
        #expect(report.outcomes[3].error?.message == "the inference id is required")
        #expect(report.outcomes[4].error?.message == "model 'credit' has no attribute 'nope'")
        #expect(report.outcomes[5].error?.message == "attribute 'score' is missing")
        #expect(report.outcomes[7].error?.kind == .conflict)
        let stored = h.store.snapshot.inferenceRecords
        #expect(stored.map(\.externalID) == ["a", "i"])
        #expect(stored[0].inputs == ["age": .number(30), "income": .number(1200.5), "city": .string("Paris")])
        #expect(stored[0].outputs == ["score": .number(0.5)])
        #expect(stored[0].deploymentID == model.id && stored[0].workspaceID == h.workspace.id)

        let again = try await service.ingest([inference("a"), inference("j")], into: model)
        #expect(again.outcomes.map(\.isStored) == [false, true])
        #expect(again.outcomes[0].error?.message == "inference 'a' was already recorded")
    }

    @Test func groundTruthIsJoinedOnTheInferenceId() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h)
        _ = try await service.ingest([inference("a"), inference("b")], into: model)
        let when = Date(timeIntervalSince1970: 1_700_000_100)
        let report = try await service.attachGroundTruth([
            GroundTruthUpdate(externalID: "a", values: ["label": .number(1)], time: when),
            GroundTruthUpdate(externalID: "zz", values: ["label": .number(0)], time: when),
            GroundTruthUpdate(externalID: "b", values: ["label": .string("yes")], time: when),
            GroundTruthUpdate(externalID: "b", values: ["score": .number(1)], time: when),
        ], to: model)
        #expect(report.outcomes.map(\.isStored) == [true, false, false, false])
        #expect(report.outcomes[1].error?.kind == .notFound)
        #expect(report.outcomes[3].error?.message == "attribute 'score' is not a ground-truth attribute")
        let records = h.store.snapshot.inferenceRecords
        #expect(records.first { $0.externalID == "a" }?.groundTruth == ["label": .number(1)])
        #expect(records.first { $0.externalID == "a" }?.groundTruthTime == when)
        #expect(records.first { $0.externalID == "b" }?.groundTruth == nil)
    }

    @Test func batchModelsNeedBatchIdsAndCountTheirRecords() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h, batch: true)
        let report = try await service.ingest([inference("a", batch: "b1"), inference("b", batch: "b1"), inference("c")], into: model)
        #expect(report.outcomes.map(\.isStored) == [true, true, false])
        let closed = try await service.closeBatch("b1", of: model, declaredCount: 3)
        #expect(closed.status == .uploaded && closed.storedRecordCount == 2 && closed.declaredRecordCount == 3)
        #expect(try await service.batch("b1", of: model) == closed)
        await expectSlipwayError(.notFound) { try await service.batch("b9", of: model) }
        let (plain, streaming, _) = try await self.makeModel(h, partner: "plain")
        let refused = try await plain.ingest([inference("x", batch: "b1")], into: streaming)
        #expect(refused.outcomes[0].error?.message == "model 'plain' is not a batch model: send no batch id")
    }

    @Test func referenceDataIsCheckedAndCounted() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h)
        let report = try await service.addReferenceData([["age": .number(1), "label": .number(0)], ["age": .bool(true)]], to: model)
        #expect(report.outcomes.map(\.isStored) == [true, false])
        let set = try await service.closeReferenceData(of: model, declaredCount: 2)
        #expect(set.status == .uploaded && set.storedRecordCount == 1 && set.declaredRecordCount == 2)
        let rows = try await service.rows(of: model, from: .reference, matching: MonitoredRecordFilter())
        #expect(rows.map(\.values) == [["age": .number(1), "label": .number(0)]])
    }

    @Test func queriesFilterOnAttributesTimeAndIds() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h)
        var late = inference("late", age: .number(50))
        late.time = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await service.ingest([inference("a", age: .number(20)), inference("b", age: .number(40)), late], into: model)
        func ids(_ conditions: [MonitoredRecordFilter.Condition]) async throws -> [String?] {
            try await service.rows(of: model, from: .inferences, matching: MonitoredRecordFilter(conditions)).map(\.externalID)
        }
        let older = try await ids([.init(.attribute("age"), .greaterThan, .number(30))])
        let before2025 = try await ids([.init(.time, .lessThan, .string("2025-01-01T00:00:00Z"))])
        let chosen = try await ids([.init(.externalID, .oneOf, .array([.string("a"), .string("late")]))])
        let parisian = try await ids([.init(.attribute("city"), .like, .string("par%"))])
        #expect(older == ["b", "late"])
        #expect(before2025 == ["a", "b"])
        #expect(chosen == ["a", "late"])
        #expect(parisian == ["a", "b", "late"])
        await expectSlipwayError(.badRequest) {
            try await service.rows(of: model, from: .inferences, matching: MonitoredRecordFilter([.init(.attribute("x"), .equal, .number(1))]))
        }
        #expect(try await service.row(of: model, externalID: "b").values["age"] == .number(40))
    }

    @Test func deletingAModelDeletesItsRecords() async throws {
        let h = try await ServiceHarness.make()
        let (service, model, _) = try await makeModel(h)
        _ = try await service.ingest([inference("a")], into: model)
        try await service.delete(model)
        #expect(h.store.snapshot.inferenceRecords.isEmpty)
        await expectSlipwayError(.notFound) { try await service.model(id: model.id, in: h.workspace) }
    }
}
