import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The TetraScience `/v1/sharedsettings` and `/v1/secrets` routes through the router: every
/// credential header allowed and refused (wrong token, an organization the token's user is not
/// a member of, one that does not exist), create/replace/get/list/delete, bad input refused with
/// nothing changed, secret values in no answer.
@Suite("TetraScience dialect")
struct TetraScienceDialectTests {
    static let secretValue = "kaggle-api-key-5f0c2a9e7d1b4c3a"

    func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String,
              token: String? = TestServer.adminToken, header: HTTPField.Name = TetraScienceAuthenticator.tokenHeader,
              org: String? = "default", body: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[header] = header == .authorization ? "Bearer \(token)" : token }
        if let org { headers[TetraScienceAuthenticator.organizationHeader] = org }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    @Test func credentialsAreCheckedInEveryHeaderAndErrorsHaveTetraSciencesShape() async throws {
        let server = try await TestServer()
        let accounts = server.app.accounts
        let other = try await accounts.createWorkspace(named: "training-sspdemo")
        let bob = try await accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: other.id)
        let bobToken = try await accounts.issueUserToken(userID: bob.id, workspaceID: other.id)
        try await server.test { client in
            for header in [TetraScienceAuthenticator.tokenHeader, TetraScienceAuthenticator.apiKeyHeader, .authorization] {
                let allowed = try await call(client, .get, "/v1/sharedsettings", header: header)
                #expect(allowed.status == .ok, "\(header): \(allowed.text)")
                #expect(try allowed.json() == .array([]))
            }
            let missing = try await call(client, .get, "/v1/secrets", token: nil)
            #expect(missing.status == .unauthorized)
            let body = try missing.json()
            #expect(body["statusCode"] == .number(401) && body["error"] == .string("Unauthorized"))
            #expect(body["message"]?.stringValue?.contains("ts-auth-token") == true)
            #expect(body["requestId"]?.stringValue?.isEmpty == false)
            let wrong = try await call(client, .get, "/v1/secrets", token: "wrong-token-0123456789")
            #expect(wrong.status == .unauthorized)
            #expect(try await call(client, .get, "/v1/secrets", token: "short").status == .unauthorized)

            // Bob belongs to training-sspdemo only: the default organization and an unknown one are refused alike.
            #expect(try await call(client, .get, "/v1/secrets", token: bobToken, org: "training-sspdemo").status == .ok)
            #expect(try await call(client, .get, "/v1/secrets", token: bobToken, org: nil).status == .ok)
            let foreign = try await call(client, .post, "/v1/secrets", token: bobToken, org: "default",
                                         body: #"{"name": "x", "value": "\#(Self.secretValue)"}"#)
            #expect(foreign.status == .forbidden)
            #expect(try foreign.json()["message"]?.stringValue?.contains("default") == true)
            #expect(try await call(client, .get, "/v1/secrets", token: bobToken, org: "no-such-org").status == .forbidden)
            let listed = try await call(client, .get, "/v1/secrets")
            #expect(try listed.json() == .array([]), "the refused call stored nothing")
            // An unknown route under the prefix is a 404 in the same shape.
            let unknown = try await call(client, .get, "/v1/secrets/a/b")
            #expect(unknown.status == .notFound)
            #expect(try unknown.json()["statusCode"] == .number(404))
        }
    }

    @Test func settingsAreCreatedReplacedReadListedAndDeleted() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let created = try await call(client, .post, "/v1/sharedsettings", body: #"{"name": "kaggle_username", "value": "alice"}"#)
            #expect(created.status == .created, "\(created.text)")
            let first = try created.json()
            #expect(first["name"] == .string("kaggle_username") && first["value"] == .string("alice"))
            #expect(first["type"] == .string("setting") && first["version"] == .number(1) && first["lastModifiedBy"] == .string("admin"))
            let replaced = try await call(client, .put, "/v1/sharedsettings/kaggle_username", body: #"{"value": "bob"}"#)
            #expect(replaced.status == .ok)
            let second = try replaced.json()
            #expect(second["version"] == .number(2) && second["id"] == first["id"])
            #expect(try await call(client, .put, "/v1/sharedsettings/a.first", body: #"{"value": "1"}"#).status == .created)
            let listed = try await call(client, .get, "/v1/sharedsettings")
            #expect(try listed.json().arrayValue?.compactMap { $0["name"]?.stringValue } == ["a.first", "kaggle_username"])
            let one = try await call(client, .get, "/v1/sharedsettings/kaggle_username")
            #expect(try one.json()["value"] == .string("bob"))
            #expect(try await call(client, .delete, "/v1/sharedsettings/a.first").status == .noContent)
            #expect(try await call(client, .delete, "/v1/sharedsettings/a.first").status == .notFound)
            #expect(try await call(client, .get, "/v1/sharedsettings/a.first").status == .notFound)
        }
    }

    @Test func secretValuesAreNeverInAnAnswer() async throws {
        let server = try await TestServer()
        try await server.test { client in
            var answers: [String] = []
            let created = try await call(client, .post, "/v1/secrets", body: #"{"name": "kaggle_api_key", "value": "\#(Self.secretValue)"}"#)
            #expect(created.status == .created, "\(created.text)")
            answers.append(created.text)
            let secret = try created.json()
            #expect(secret["type"] == .string("secret") && secret["version"] == .number(1) && secret["value"] == nil)
            let replaced = try await call(client, .put, "/v1/secrets/kaggle_api_key", body: #"{"value": "\#(Self.secretValue)-2"}"#)
            #expect(replaced.status == .ok)
            answers.append(replaced.text)
            #expect(try replaced.json()["version"] == .number(2))
            for path in ["/v1/secrets", "/v1/secrets/kaggle_api_key"] {
                let response = try await call(client, .get, path)
                #expect(response.status == .ok)
                answers.append(response.text)
            }
            // Bad input, each refused without quoting the value.
            let refused: [(String, String, HTTPResponse.Status)] = [
                ("/v1/secrets", #"{"name": "bad name", "value": "\#(Self.secretValue)"}"#, .badRequest),
                ("/v1/secrets", #"{"name": "../x", "value": "\#(Self.secretValue)"}"#, .badRequest),
                ("/v1/secrets", #"{"value": "\#(Self.secretValue)"}"#, .badRequest),
                ("/v1/secrets", #"{"name": "empty", "value": ""}"#, .badRequest),
                ("/v1/secrets", #"{"name": "number", "value": 12345}"#, .badRequest),
                ("/v1/secrets", #"{"name": "big", "value": "\#(Self.secretValue)\#(String(repeating: "x", count: Secret.maximumValueBytes))"}"#,
                 .contentTooLarge),
                ("/v1/secrets", #"{"name": "huge", "value": "\#(String(repeating: "x", count: 70_000))"}"#, .contentTooLarge),
                ("/v1/secrets", "not json \(Self.secretValue)", .badRequest),
                ("/v1/sharedsettings", #"{"name": "bad/name", "value": "v"}"#, .badRequest),
            ]
            for (path, body, status) in refused {
                let response = try await call(client, .post, path, body: body)
                #expect(response.status == status, "\(body.prefix(60)): \(response.text)")
                #expect(try response.json()["statusCode"] == .number(Double(status.code)))
                answers.append(response.text)
            }
            let mismatch = try await call(client, .put, "/v1/secrets/kaggle_api_key",
                                          body: #"{"name": "other", "value": "\#(Self.secretValue)"}"#)
            #expect(mismatch.status == .badRequest)
            answers.append(mismatch.text)
            let names = try await call(client, .get, "/v1/secrets").json().arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["kaggle_api_key"], "nothing refused was stored")
            let kept = try await call(client, .get, "/v1/secrets/kaggle_api_key")
            #expect(try kept.json()["version"] == .number(2), "the refused replacement changed nothing")
            for answer in answers { #expect(!answer.contains(Self.secretValue), "\(answer)") }

            let resolved = try await server.app.core.secrets.resolve(
                name: "kaggle_api_key", workspaceID: try #require(try await server.app.accounts.workspace(named: "default")).id)
            #expect(resolved == Self.secretValue + "-2")
            #expect(try await call(client, .delete, "/v1/secrets/kaggle_api_key").status == .noContent)
            #expect(try await call(client, .get, "/v1/secrets/kaggle_api_key").status == .notFound)
        }
    }

    @Test func everyServedRouteIsDocumented() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/v1/tetrascience/docs/openapi.json", method: .get)
            #expect(response.status == .ok)
            let paths = try #require(try response.json()["paths"]?.objectValue)
            var served: Set<String> = []
            for (path, methods) in paths {
                for (method, operation) in methods.objectValue ?? [:] {
                    served.insert("\(method.uppercased()) \(path)")
                    #expect(operation["summary"] != .string("(not described)"), "\(method) \(path)")
                }
            }
            #expect(served == Set(TetraScienceAPIDocs.operations.keys))
            let page = try await client.execute(uri: "/v1/tetrascience/docs", method: .get)
            #expect(String(buffer: page.body).contains("/v1/secrets/{name}"))
        }
    }
}
