import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The Craft AI dialect's share of deployment inference records: the `record_inferences` key of
/// create and update bodies, the record's JSON shape, and refusals of the read and toggle routes
/// for deployments that do not exist in the caller's environment.
@Suite("Craft AI deployment inference records")
struct CraftAIInferenceRecordsTests {
    @Test func createAndUpdateBodiesCarryRecordInferences() throws {
        let body = CraftAIDeploymentRequestTests.body(.endpoint, ["record_inferences": .bool(true)])
        #expect(try CraftAIDeploymentRequest.create(body, rule: .endpoint).recordInferences == true)
        #expect(try CraftAIDeploymentRequest.create(CraftAIDeploymentRequestTests.body(.endpoint), rule: .endpoint)
            .recordInferences == nil, "absent: the default (off) applies")
        #expect(try CraftAIDeploymentRequest.changes(["record_inferences": .bool(false)]).recordInferences == false)
        #expect(try CraftAIDeploymentRequest.changes(["is_enabled": .bool(true)]).recordInferences == nil)
    }

    @Test func recordInferencesMustBeABoolean() {
        for value: JSONValue in [.string("yes"), .number(1)] {
            #expect(throws: SlipwayError.badRequest("record_inferences must be a boolean")) {
                try CraftAIDeploymentRequest.create(CraftAIDeploymentRequestTests.body(.endpoint, ["record_inferences": value]),
                                                    rule: .endpoint)
            }
            #expect(throws: SlipwayError.badRequest("record_inferences must be a boolean")) {
                try CraftAIDeploymentRequest.changes(["record_inferences": value])
            }
        }
    }

    @Test func recordShape() throws {
        var record = InferenceRecord(
            id: "r1", workspaceID: "w", deploymentID: "d", pipelineID: "p", time: Date(timeIntervalSince1970: 1_700_000_000),
            externalID: "exec-1", inputs: ["value": .number(3)], outputs: ["result": .vector([1, 2])],
            latency: .microseconds(2500))
        var shown = CraftAIInferencePresenter.record(record)
        #expect(shown == .object([
            "id": .string("r1"), "execution_id": .string("exec-1"), "time": .string("2023-11-14T22:13:20.000Z"),
            "inputs": .object(["value": .number(3)]), "outputs": .object(["result": .array([.number(1), .number(2)])]),
            "latency_ms": .number(2.5),
        ]))
        record.dropped = ["in.image"]
        shown = CraftAIInferencePresenter.record(record)
        #expect(shown.objectValue?["dropped"] == .array([.string("in.image")]))
        let page = CraftAIInferencePresenter.page(.init(records: [], nextCursor: nil))
        #expect(page == .object(["inferences": .array([]), "next_cursor": .null]))
    }

    @Test func unknownDeploymentIs404ForReadingAndToggling() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.accessToken()
            let read = try await client.get("/api/v1/deployments/ghost/inferences", token: token)
            #expect(read.status == .notFound, "\(read.text)")
            #expect(try read.json()["name"] == .string("NotFound"))
            let toggle = try await client.execute(uri: "/api/v1/deployments/ghost", method: .patch,
                                                  headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"record_inferences": true}"#))
            #expect(toggle.status == .notFound, "\(toggle.text)")
            let unauthenticated = try await client.get("/api/v1/deployments/ghost/inferences", token: nil)
            #expect(unauthenticated.status == .unauthorized)
        }
    }
}
