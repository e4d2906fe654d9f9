import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The CORDS routes through the router: the API document covers every route, the error shape,
/// registration and tokens, and an asset round trip.
@Suite("CORDS dialect")
struct CORDSDialectTests {
    func json(_ response: TestResponse) throws -> JSONValue {
        try JSONValue.parse(Data(buffer: response.body))
    }

    func post(_ client: any TestClientProtocol, _ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    @Test func everyServedRouteIsDocumented() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/docs/openapi.json", method: .get)
            #expect(response.status == .ok)
            let paths = try #require(try json(response)["paths"]?.objectValue)
            var served: Set<String> = []
            for (path, methods) in paths {
                for (method, operation) in methods.objectValue ?? [:] {
                    served.insert("\(method.uppercased()) \(path)")
                    #expect(operation["summary"] != .string("(not described)"), "\(method) \(path)")
                }
            }
            #expect(served == Set(CORDSAPIDocs.operations.keys), "the table lists exactly the served routes")
            let page = try await client.execute(uri: "/docs", method: .get)
            #expect(String(buffer: page.body).contains("/api/dataspace_connector/register_resource/{resource_id}"))
        }
    }

    @Test func registrationTokensAndAnAssetRoundTrip() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let registered = try await post(client, "/api/users/register",
                                            #"{"email": "carol@example.com", "password": "password123", "role": "ML Engineer"}"#)
            #expect(registered.status == .created)
            #expect(try json(registered)["workspace"]?.stringValue == "carol-example-com")
            let duplicate = try await post(client, "/api/users/register", #"{"email": "carol@example.com", "password": "x12345678"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try json(duplicate)["code"] == .number(409))
            #expect(try json(duplicate)["error"]?.stringValue == "Conflict")

            let basic = "Basic " + Data("carol@example.com:password123".utf8).base64EncodedString()
            let token = try await client.execute(uri: "/api/users/get-auth-token", method: .post,
                                                 headers: [.authorization: basic])
            #expect(token.status == .ok)
            let bearer = "Bearer " + (try json(token)["token"]?.stringValue ?? "")
            let wrong = try await client.execute(uri: "/api/users/get-auth-token", method: .post,
                                                 headers: [.authorization: "Basic " + Data("carol@example.com:nope".utf8).base64EncodedString()])
            #expect(wrong.status == .unauthorized)
            #expect(try json(wrong)["message"]?.stringValue == "invalid credentials")

            let missing = try await post(client, "/api/ml_models/add_model", #"{"name": "m"}"#)
            #expect(missing.status == .unauthorized)
            let added = try await post(client, "/api/ml_models/add_model",
                                       #"{"name": "Test Model 1", "version": "1.0", "algorithm": "KNeighborsClassifier", "metrics": {"accuracy": 0.95}}"#,
                                       headers: [.authorization: bearer])
            #expect(added.status == .created)
            let id = try #require(try json(added)["asset_id"]?.stringValue)
            #expect(id.count == 64)
            #expect(try json(added)["created_by"]?["role"]?.stringValue == "ML Engineer")

            let query = try await post(client, "/api/semantics/query",
                                       #"{"query": "algorithm = KNeighborsClassifier AND metrics.accuracy > 0.9"}"#,
                                       headers: [.authorization: bearer])
            #expect(try json(query)["assets"]?.arrayValue?.compactMap { $0["asset_id"]?.stringValue } == [id])
            let semantics = try await client.execute(uri: "/api/semantics/get/\(id)", method: .get,
                                                     headers: [.authorization: bearer])
            #expect(semantics.headers[.contentType] == "application/ld+json")
            #expect(try json(semantics)["@context"]?["mls"]?.stringValue == "http://www.w3.org/ns/mls#")

            // The administrator's own token does not see Carol's workspace.
            let admin = try await client.execute(uri: "/api/ml_assets/get_assets", method: .get,
                                                 headers: [.authorization: "Bearer " + TestServer.adminToken])
            #expect(admin.status == .ok)
            #expect(try json(admin)["assets"]?.arrayValue == [])
            let unknown = try await client.execute(uri: "/api/ml_models/nothing", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try json(unknown)["code"] == .number(404))
        }
    }
}
