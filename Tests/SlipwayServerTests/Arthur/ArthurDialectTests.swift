import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The Arthur v3 routes through the router: every credential rule allowed and refused, the 207
/// shapes in request order, another workspace's model, size limits, capture files.
@Suite("Arthur dialect")
struct ArthurDialectTests {
    static let model = #"""
        {"partner_model_id": "credit", "input_type": "TABULAR", "output_type": "REGRESSION", "is_batch": false,
         "attributes": [
           {"name": "age", "value_type": "INTEGER", "stage": "PIPELINE_INPUT", "position": 0},
           {"name": "city", "value_type": "STRING", "stage": "PIPELINE_INPUT", "position": 1, "categorical": true,
            "categories": [{"value": "Paris"}]},
           {"name": "risk", "value_type": "FLOAT", "stage": "PREDICTED_VALUE", "position": 0, "attribute_link": "defaulted"},
           {"name": "defaulted", "value_type": "FLOAT", "stage": "GROUND_TRUTH", "position": 0, "attribute_link": "risk"}]}
        """#

    func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, key: String? = TestServer.adminToken,
              organization: String? = nil, body: String? = nil, contentType: String = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = key }
        if let organization { headers[ArthurAuthenticator.organizationHeader] = organization }
        if body != nil { headers[.contentType] = contentType }
        return try await client.execute(uri: "/api/v3" + path, method: method, headers: headers,
                                        body: body.map { ByteBuffer(string: $0) })
    }

    func createModel(_ client: some TestClientProtocol) async throws -> String {
        let response = try await call(client, .post, "/models?async_model_provisioning=true", body: Self.model)
        #expect(response.status == .created, "\(response.text)")
        #expect(try response.json()["status"] == .string("Ready"))
        return try #require(try response.json()["id"]?.stringValue)
    }

    static func inference(_ id: String, age: String = "30") -> String {
        #"{"partner_inference_id": "\#(id)", "inference_timestamp": "2024-01-01T00:00:00.123456+00:00", "#
            + #""inference_data": {"age": \#(age), "city": "Paris", "risk": 0.5}}"#
    }

    @Test func rawKeysAreRequiredAndCheckedAndErrorsHaveArthursShape() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let missing = try await call(client, .get, "/users/me", key: nil)
            #expect(missing.status == .unauthorized)
            #expect(try missing.json()["code"] == .number(401))
            #expect(try missing.json()["message"]?.stringValue?.contains("Authorization") == true)
            #expect(try await call(client, .get, "/users/me", key: "wrong-key-0123456789").status == .unauthorized)
            let me = try await call(client, .get, "/users/me")
            #expect(me.status == .ok)
            let bearer = try await call(client, .get, "/users/me", key: "Bearer " + TestServer.adminToken)
            #expect(try bearer.json()["organization_id"] == (try me.json()["organization_id"]))
            let info = try await call(client, .get, "/users/me/auth_info")
            #expect(try info.json()["organization_ids"]?.arrayValue?.contains(try me.json()["organization_id"] ?? .null) == true)
            let wrong = try await call(client, .get, "/users/me", key: "wrong-key-0123456789")
            #expect(!missing.text.contains(TestServer.adminToken) && !wrong.text.contains("wrong-key"), "no key is echoed")
        }
    }

    @Test func modelsAreCreatedFoundAndStreamedInferencesAnsweredInOrder() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let id = try await createModel(client)
            let byPartner = try await call(client, .get, "/models/credit?id_type=partner_model_id&expand=attributes")
            #expect(try byPartner.json()["id"]?.stringValue == id)
            #expect(try byPartner.json()["attributes"]?.arrayValue?.map { $0["stage"]?.stringValue } ==
                    ["PIPELINE_INPUT", "PIPELINE_INPUT", "PREDICTED_VALUE", "GROUND_TRUTH"])
            let sent = try await call(client, .post, "/models/\(id)/inferences",
                                      body: "[\(Self.inference("a")), \(Self.inference("b", age: "\"x\"")), \(Self.inference("c"))]")
            #expect(sent.status == ArthurMultiStatus.status)
            #expect(try sent.json()["counts"] == .object(["success": .number(2), "failure": .number(1), "total": .number(3)]))
            let results = try #require(try sent.json()["results"]?.arrayValue)
            #expect(results.map { $0["status"] } == [.number(200), .number(400), .number(200)])
            #expect(results[1]["message"]?.stringValue == "attribute 'age' must be an integer, got the string 'x'")

            let truth = try await call(client, .patch, "/models/\(id)/inferences", body: #"""
                [{"partner_inference_id": "a", "ground_truth_timestamp": "2024-01-02T00:00:00Z", "ground_truth_data": {"defaulted": 1.0}},
                 {"partner_inference_id": "b", "ground_truth_data": {"defaulted": 0.0}}]
                """#)
            #expect(try truth.json()["results"]?.arrayValue?.map { $0["status"] } == [.number(200), .number(404)])
            let query = try await call(client, .post, "/models/\(id)/inferences/query", body: #"""
                {"select": [{"property": "partner_inference_id"}, {"property": "defaulted"}],
                 "filter": [{"property": "age", "comparator": "eq", "value": 30}]}
                """#)
            #expect(try query.json()["query_result"] == .array([
                .object(["partner_inference_id": .string("a"), "defaulted": .number(1)]),
                .object(["partner_inference_id": .string("c"), "defaulted": .null]),
            ]))
            let count = try await call(client, .post, "/models/\(id)/inferences/query", body: #"{"select": [{"function": "count"}]}"#)
            #expect(try count.json()["query_result"] == .array([.object(["count": .number(2)])]))
            let deleted = try await call(client, .delete, "/models/\(id)")
            #expect(deleted.status == .noContent)
            #expect(try await call(client, .get, "/models/\(id)").status == .notFound)
        }
    }

    @Test func ingestionKeysMaySendButNotManage() async throws {
        let server = try await TestServer()
        let admin = try #require(try await server.app.accounts.user(id: try await server.app.accounts.authenticate(refreshToken: TestServer.adminToken).userID))
        let workspace = try #require(try await server.app.accounts.workspace(named: "default"))
        let key = try await server.app.accounts.issueIngestionToken(userID: admin.id, workspaceID: workspace.id)
        try await server.test { client in
            let id = try await createModel(client)
            #expect(try await call(client, .get, "/models/\(id)", key: key).status == .ok)
            #expect(try await call(client, .post, "/models/\(id)/inferences", key: key, body: "[\(Self.inference("k"))]").status == ArthurMultiStatus.status)
            #expect(try await call(client, .patch, "/models/\(id)/ground_truth", key: key,
                                   body: #"[{"partner_inference_id": "k", "ground_truth_data": {"defaulted": 1}}]"#).status == ArthurMultiStatus.status)
            let refused = try await call(client, .post, "/models", key: key, body: Self.model)
            #expect(refused.status == .forbidden)
            #expect(try refused.json()["message"] == .string("this key may only send inferences and ground truth"))
            #expect(try await call(client, .get, "/models", key: key).status == .forbidden)
            #expect(try await call(client, .delete, "/models/\(id)", key: key).status == .forbidden)
            #expect(try await call(client, .post, "/models/\(id)/inferences/query", key: key, body: "{}").status == .forbidden)
            #expect(try await call(client, .get, "/models/\(id)").status == .ok, "the refused delete changed nothing")
            let craft = try await client.execute(uri: "/api/v1/auth/refresh", method: .post, headers: [.contentType: "application/json"],
                                                 body: ByteBuffer(string: #"{"refresh_token":"\#(key)"}"#))
            #expect(craft.status == .forbidden)
        }
    }

    @Test func anotherWorkspacesModelIsNotFound() async throws {
        let server = try await TestServer()
        let accounts = server.app.accounts
        let admin = try #require(try await accounts.user(id: try await accounts.authenticate(refreshToken: TestServer.adminToken).userID))
        let other = try await accounts.createWorkspace(named: "other")
        let outsider = try await accounts.createUser(name: "outsider", email: "o@example.com", workspaceID: nil)
        let outsiderKey = try await accounts.issueUserToken(userID: outsider.id, workspaceID: other.id)
        try await server.test { client in
            let id = try await createModel(client)
            #expect(try await call(client, .get, "/models/\(id)", key: outsiderKey).status == .notFound)
            #expect(try await call(client, .post, "/models/\(id)/inferences", key: outsiderKey, body: "[\(Self.inference("z"))]").status == .notFound)
            #expect(try await call(client, .get, "/models", key: outsiderKey, organization: "default").status == .forbidden)
            #expect(try await call(client, .get, "/models", organization: "other").status == .forbidden, "the admin is not a member of 'other'")
            try await accounts.store.addMember(userID: admin.id, workspaceID: other.id, role: .collaborator)
            #expect(try await call(client, .get, "/models/\(id)", organization: other.id).status == .notFound)
            #expect(try await call(client, .get, "/models", organization: "nowhere").status == .notFound)
        }
    }

    @Test func captureFilesAreAnsweredWithFailuresPerEventAndSizeLimitsAre413() async throws {
        var limits = Limits()
        limits.maxMonitoringFileBytes = 4096
        let server = try await TestServer(limits: limits)
        try await server.test { client in
            let id = try await createModel(client)
            let line = #"{"captureData": {"endpointInput": {"observedContentType": "text/csv", "mode": "INPUT", "data": "41,Paris\n42,Lyon", "encoding": "CSV"}, "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT", "data": "0.1\n0.2", "encoding": "CSV"}}, "eventMetadata": {"eventId": "ev1", "inferenceId": "inf", "inferenceTime": "2022-10-04T10:00:00Z"}}"#
            var form = Multipart()
            form.file("inference_data", fileName: "capture.jsonl", Data((line + "\n{bad\n").utf8))
            let response = try await client.execute(uri: "/api/v3/models/\(id)/inferences/integrations/sagemaker_data_capture",
                                                    method: .post, headers: [.authorization: TestServer.adminToken, .contentType: form.contentType],
                                                    body: ByteBuffer(data: form.finished()))
            #expect(response.status == ArthurMultiStatus.status, "\(response.text)")
            #expect(try response.json()["counts"] == .object(["success": .number(2), "failure": .number(1), "total": .number(3)]))
            #expect(try response.json()["failures"] == .array([.object([
                "message": .string("line 2 is not valid JSON"), "status": .number(400), "event_id": .string(""),
                "inference_index_in_event": .number(0)])]))

            var big = Multipart()
            big.file("inference_data", fileName: "big.jsonl", Data(repeating: 0x20, count: 5000))
            let tooLarge = try await client.execute(uri: "/api/v3/models/\(id)/inferences/integrations/sagemaker_data_capture",
                                                    method: .post, headers: [.authorization: TestServer.adminToken, .contentType: big.contentType],
                                                    body: ByteBuffer(data: big.finished()))
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.json()["code"] == .number(413))

            var notParquet = Multipart()
            notParquet.file("inference_data", fileName: "x.parquet", Data("PAR1garbage".utf8))
            let refused = try await client.execute(uri: "/api/v3/models/\(id)/inferences/file", method: .post,
                                                   headers: [.authorization: TestServer.adminToken, .contentType: notParquet.contentType],
                                                   body: ByteBuffer(data: notParquet.finished()))
            #expect(refused.status == .badRequest, "\(refused.text)")
        }
    }
}
