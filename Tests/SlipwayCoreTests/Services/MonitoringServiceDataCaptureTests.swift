import Foundation
import Testing

@testable import SlipwayCore

/// Data Capture files: CSV rows in attribute order, JSON lists and maps, ids from the event
/// (with `_<index>` for several inferences), base64 and malformed lines reported per line.
@Suite struct MonitoringServiceDataCaptureTests {
    static let attributes = [
        MonitoredAttribute(name: "x", valueType: .float, stage: .modelInput, position: 0),
        MonitoredAttribute(name: "n", valueType: .integer, stage: .modelInput, position: 1),
        MonitoredAttribute(name: "s", valueType: .string, stage: .modelInput, position: 2),
        MonitoredAttribute(name: "b", valueType: .boolean, stage: .modelInput, position: 3),
        MonitoredAttribute(name: "p", valueType: .float, stage: .predictedValue, position: 0),
    ]

    static func line(input: String, inputType: String = "text/csv", inputEncoding: String = "CSV",
                     output: String, outputType: String = "text/csv", outputEncoding: String = "CSV",
                     eventID: String = "ev", inferenceID: String? = nil) -> String {
        var metadata: [String: JSONValue] = ["eventId": .string(eventID), "inferenceTime": .string("2022-10-04T10:00:00Z")]
        if let inferenceID { metadata["inferenceId"] = .string(inferenceID) }
        return JSONValue.object([
            "captureData": .object([
                "endpointInput": .object(["observedContentType": .string(inputType), "mode": .string("INPUT"),
                                          "data": .string(input), "encoding": .string(inputEncoding)]),
                "endpointOutput": .object(["observedContentType": .string(outputType), "mode": .string("OUTPUT"),
                                           "data": .string(output), "encoding": .string(outputEncoding)]),
            ]),
            "eventMetadata": .object(metadata), "eventVersion": .string("0"),
        ]).jsonString()
    }

    @Test func everyFormatOfTheSeedIsIngestedWithItsPartnerIds() async throws {
        let h = try await ServiceHarness.make()
        let service = MonitoringService(platform: h.platform)
        let user = try #require(try await h.accounts.user(id: h.principal.userID))
        let model = try await service.createModel(
            MonitoredModelDraft(partnerModelID: "sm", inputKind: .tabular, outputKind: .regression, attributes: Self.attributes),
            in: h.workspace, by: user)
        let lines = [
            Self.line(input: "1.5,16,\"a,b\",true", output: "0.25", eventID: "ev-csv"),
            Self.line(input: #"{"instances": [{"features": [1.5, 16, "testStringA", false]}, {"features": [2.0, 12, "testStringB", true]}]}"#,
                      inputType: "application/json", inputEncoding: "JSON",
                      output: #"{"predictions": [{"probabilities": [0.1]}, [0.9]]}"#, outputType: "application/json",
                      outputEncoding: "JSON", eventID: "ev-json", inferenceID: "abcdefg-12345"),
            Self.line(input: #"{"instances": [{"x": 3.0, "n": 1, "s": "m", "b": true}]}"#, inputType: "application/json",
                      inputEncoding: "JSON", output: #"{"predictions": [{"p": 36.5}]}"#, outputType: "application/json",
                      outputEncoding: "JSON", eventID: "ev-map"),
            Self.line(input: "AAEC", inputType: "application/x-npy", inputEncoding: "BASE64", output: "0.1", eventID: "ev-b64"),
            "{not json",
            Self.line(input: "1.5,not-a-number,a,true\n2,3,b,false", output: "0.1\n0.2", eventID: "ev-bad", inferenceID: "two"),
            "",
        ]
        let report = try await service.ingestDataCapture(Data(lines.joined(separator: "\n").utf8), into: model)
        #expect(report.stored == 5)
        #expect(report.total == 8)
        let ids = Set(h.store.snapshot.inferenceRecords.compactMap(\.externalID))
        #expect(ids == ["ev-csv", "abcdefg-12345_0", "abcdefg-12345_1", "ev-map", "two_1"])
        let csv = try #require(h.store.snapshot.inferenceRecords.first { $0.externalID == "ev-csv" })
        #expect(csv.inputs == ["x": .number(1.5), "n": .number(16), "s": .string("a,b"), "b": .bool(true)])
        #expect(csv.outputs == ["p": .number(0.25)])
        #expect(csv.time == Date(timeIntervalSince1970: 1_664_877_600))
        #expect(report.failures.map(\.line) == [4, 5, 6])
        #expect(report.failures[0].eventID == "ev-b64" && report.failures[0].indexInEvent == nil)
        #expect(report.failures[0].error.message.contains("base64-encoded capture data"))
        #expect(report.failures[1].error.message == "line 5 is not valid JSON")
        #expect(report.failures[2].indexInEvent == 0)
        #expect(report.failures[2].error.message == "line 6: attribute 'n' must be an integer, got 'not-a-number'")
    }

    @Test func csvFieldsFollowRFC4180() throws {
        #expect(try CSVLines.rows("a,\"b \"\"q\"\"\",c\r\n\n1,,3\n") == [["a", "b \"q\"", "c"], ["1", "", "3"]])
        #expect(throws: SlipwayError.self) { try CSVLines.rows("\"open") }
    }

    @Test func rowCountsOfBothSidesMustAgree() throws {
        let event = try DataCaptureEvent(json: try JSONValue.parse(Self.line(input: "1,2,a,true\n3,4,b,false", output: "0.5")))
        let model = MonitoredModel(id: "m", workspaceID: "w", partnerModelID: "m", displayName: "m", inputKind: .tabular,
                                   outputKind: .regression, isBatch: false, attributes: Self.attributes, createdBy: "u",
                                   createdAt: Date(), updatedAt: Date())
        #expect(throws: SlipwayError.badRequest("the event holds 2 input rows but 1 output rows")) {
            try MonitoringService.inferences(of: event, for: model)
        }
    }
}
