import Foundation
import Testing

@testable import SlipwayCore

@Suite("Inference records, queries and cursors")
struct InferenceRecordTests {
    static let t0 = Date(timeIntervalSince1970: 1_684_356_836.285)

    static func record(_ id: String, at offset: TimeInterval, deployment: String = "d1", model: String? = "mv1",
                       workspace: String = "w1") -> InferenceRecord {
        InferenceRecord(id: id, workspaceID: workspace, deploymentID: deployment, pipelineID: "p1", modelVersionID: model,
                        time: t0.addingTimeInterval(offset), inputs: ["tensor": .vector([1, 2])], outputs: ["score": .number(0.5)])
    }

    @Test func featureValuesRoundTripJSONExactly() throws {
        let samples: [JSONValue] = [
            .null, .bool(true), .number(-1.5), .string("x"), .array([]), .array([.number(1), .number(2.5)]),
            .array([.string("a"), .string("b")]), .array([.number(1), .null]), .array([.array([.number(1)])]),
            .object(["box": .array([.number(1), .number(2)])]),
        ]
        for json in samples {
            #expect(FeatureValue(json: json).json == json, "\(json)")
            let encoded = try JSONEncoder().encode(FeatureValue(json: json))
            #expect(try JSONDecoder().decode(JSONValue.self, from: encoded) == json)
            #expect(try JSONDecoder().decode(FeatureValue.self, from: encoded) == FeatureValue(json: json))
        }
        #expect(FeatureValue(json: .array([.number(1), .number(2)])) == .vector([1, 2]))
        #expect(FeatureValue(json: .array([])) == .vector([]))
        if case .json = FeatureValue(json: .array([.number(1), .null])) {} else { Issue.record("a list with null is not a vector") }
        #expect(FeatureValue.json(.number(1)) == .number(1))
        #expect(Set([FeatureValue.json(.array([.number(3)])), .vector([3])]).count == 1)
    }

    @Test func numericValues() {
        #expect(FeatureValue.number(2).numericValue == 2)
        #expect(FeatureValue.bool(true).numericValue == 1)
        #expect(FeatureValue.bool(false).numericValue == 0)
        #expect(FeatureValue.number(.nan).numericValue == nil)
        #expect(FeatureValue.number(.infinity).numericValue == nil)
        #expect(FeatureValue.string("3").numericValue == nil)
        #expect(FeatureValue.vector([1]).numericValue == nil)
        #expect(FeatureValue.null.numericValue == nil)
    }

    @Test func recordRules() throws {
        var record = Self.record("r1", at: 0)
        record.externalID = "partner-1"
        record.latency = .milliseconds(12)
        record.groundTruth = ["label": .number(1)]
        record.groundTruthTime = Self.t0
        try record.validate()
        #expect(try JSONDecoder().decode(InferenceRecord.self, from: JSONEncoder().encode(record)) == record)

        var bad = record
        bad.inputs[""] = .null
        expectBadRequest("input feature name") { try bad.validate() }
        bad = record
        bad.outputs["a\nb"] = .null
        expectBadRequest("output feature name") { try bad.validate() }
        bad = record
        bad.groundTruth = [String(repeating: "g", count: 256): .null]
        expectBadRequest("ground truth feature name") { try bad.validate() }
        bad = record
        bad.externalID = ""
        expectBadRequest("external inference id") { try bad.validate() }
        bad = record
        bad.latency = .milliseconds(-1)
        expectBadRequest("latency") { try bad.validate() }
        bad = record
        bad.groundTruth = nil
        expectBadRequest("ground-truth time") { try bad.validate() }
        bad = record
        bad.time = Date(timeIntervalSince1970: .infinity)
        expectBadRequest("inference time") { try bad.validate() }
    }

    @Test func cursorTokensAreExactAndOpaque() throws {
        let odd = Date(timeIntervalSince1970: 1_684_356_836.123_456_789)
        let cursor = InferenceCursor(time: odd, recordID: "rec:with:colons/and+plus")
        let token = cursor.token
        #expect(!token.contains("+") && !token.contains("/") && !token.contains("="))
        let back = try InferenceCursor(token: token)
        #expect(back == cursor)
        #expect(back.time.timeIntervalSince1970.bitPattern == odd.timeIntervalSince1970.bitPattern)
        for bad in ["", "!!!", Data("2:0:x".utf8).base64EncodedString(), Data("1:zz:x".utf8).base64EncodedString(),
                    Data("1:0:".utf8).base64EncodedString(), Data("1:7ff0000000000000:x".utf8).base64EncodedString(),
                    String(repeating: "A", count: 1025)] {
            expectBadRequest("cursor") { _ = try InferenceCursor(token: bad) }
        }
    }

    @Test func queryValidation() throws {
        try InferenceRecordQuery(workspaceID: "w1").validate()
        try InferenceRecordQuery(workspaceID: "w1", limit: InferenceRecordQuery.maximumLimit).validate()
        expectBadRequest("page size") { try InferenceRecordQuery(workspaceID: "w1", limit: 0).validate() }
        expectBadRequest("page size") { try InferenceRecordQuery(workspaceID: "w1", limit: InferenceRecordQuery.maximumLimit + 1).validate() }
        expectBadRequest("time window") { try InferenceRecordQuery(workspaceID: "w1", start: Self.t0, end: Self.t0).validate() }
    }

    @Test func queryFiltersByScopeAndHalfOpenWindow() {
        let records = [Self.record("a", at: 0), Self.record("b", at: 10), Self.record("c", at: 20),
                       Self.record("d", at: 10, deployment: "d2"), Self.record("e", at: 10, model: nil),
                       Self.record("f", at: 10, workspace: "w2")]
        let window = InferenceRecordQuery(workspaceID: "w1", start: Self.t0.addingTimeInterval(10), end: Self.t0.addingTimeInterval(20),
                                          order: .oldestFirst)
        #expect(window.page(of: records).records.map(\.id) == ["b", "d", "e"])
        var scoped = window
        scoped.deploymentID = "d1"
        scoped.modelVersionID = "mv1"
        #expect(scoped.page(of: records).records.map(\.id) == ["b"])
        scoped.pipelineID = "other"
        #expect(scoped.page(of: records).records.isEmpty)
    }

    @Test(arguments: [InferenceRecordQuery.Order.oldestFirst, .newestFirst])
    func pagingVisitsEveryRecordOnceEvenWithEqualTimes(_ order: InferenceRecordQuery.Order) throws {
        // 23 records over 5 distinct times, shuffled.
        var records = (0..<23).map { Self.record(($0 < 10 ? "r0" : "r") + "\($0)", at: Double($0 % 5)) }
        records.reverse()
        var query = InferenceRecordQuery(workspaceID: "w1", order: order, limit: 4)
        var seen: [String] = []
        var pages = 0
        while true {
            let page = query.page(of: records)
            seen += page.records.map(\.id)
            pages += 1
            guard let next = page.nextCursor else { break }
            // The cursor travels as a token.
            query.cursor = try InferenceCursor(token: next.token)
            #expect(pages < 10)
        }
        #expect(pages == 6)
        #expect(Set(seen).count == 23 && seen.count == 23)
        let expected = records.sorted { ($0.time, $0.id) < ($1.time, $1.id) }.map(\.id)
        #expect(seen == (order == .oldestFirst ? expected : expected.reversed()))
    }

    @Test func aFullLastPageHasNoCursor() {
        let records = (0..<4).map { Self.record("r\($0)", at: Double($0)) }
        let page = InferenceRecordQuery(workspaceID: "w1", limit: 4).page(of: records)
        #expect(page.records.count == 4)
        #expect(page.nextCursor == nil)
        let first = InferenceRecordQuery(workspaceID: "w1", limit: 3).page(of: records)
        #expect(first.records.map(\.id) == ["r3", "r2", "r1"])
        #expect(first.nextCursor == InferenceCursor(after: records[1]))
    }
}
