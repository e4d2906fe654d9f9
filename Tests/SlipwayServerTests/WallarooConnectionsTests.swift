import Foundation
import HummingbirdTesting
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Wallaroo connections over HTTP (protocol reference §12, flow 7): create, add to a workspace,
/// list, get by name and by id (or name), remove (204), delete (204; 409 while attached);
/// details masked in every answer; each authorisation rule allowed and refused.
@Suite("Wallaroo connections over HTTP")
struct WallarooConnectionsTests {
    static let password = "bq-service-account-key-9f8e7d6c"
    static let create = #"""
        {"name": "bigqueryhouseapiinput", "type": "BIGQUERY",
         "details": {"type": "service_account", "table": "housepricesaga_inputs", "private_key": "\#(password)", "port": 3339}}
        """#

    @Test func flowSevenWithMaskedDetails() async throws {
        let server = try await TestServer()
        let number = try #require(try await server.app.accounts.workspace(named: "default")).number
        try await server.test { client in
            let token = try await client.wallarooToken()
            var answers: [String] = []
            let created = try await client.wallaroo("/v1/api/connections/create", token: token, body: Self.create)
            #expect(created.status == .ok, "\(created.text)")
            let id = try #require(try created.json()["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil)
            let added = try await client.wallaroo("/v1/api/connections/add_to_workspace", token: token,
                                                  body: #"{"workspace_id": \#(number), "connection_id": "\#(id)"}"#)
            #expect(added.status == .ok, "\(added.text)")
            let link = try #require(try added.json()["id"]?.stringValue)
            #expect(link != id && UUID(uuidString: link) != nil)

            let listed = try await client.wallaroo("/v1/api/connections/list", token: token, body: #"{"workspace_id": \#(number)}"#)
            answers.append(listed.text)
            let first = try #require(try listed.json()["connections"]?.arrayValue?.first)
            #expect(first["id"] == .string(id) && first["name"] == .string("bigqueryhouseapiinput") && first["type"] == .string("BIGQUERY"))
            #expect(first["workspace_names"] == .array([.string("default")]))
            #expect(first["details"]?["private_key"] == .string("****7d6c"))
            #expect(first["details"]?["table"] == .string("****puts"))
            #expect(first["details"]?["port"] == .string("****"))
            #expect(first["created_at"]?.stringValue?.hasSuffix("+00:00") == true)

            let byName = try await client.wallaroo("/v1/api/connections/get", token: token, body: #"{"name": "bigqueryhouseapiinput"}"#)
            let byID = try await client.wallaroo("/v1/api/connections/get_by_id", token: token, body: #"{"id": "\#(id)"}"#)
            let byIDAsName = try await client.wallaroo("/v1/api/connections/get_by_id", token: token,
                                                       body: #"{"id": "bigqueryhouseapiinput"}"#)
            answers += [byName.text, byID.text, byIDAsName.text]
            let shown = [try byName.json(), try byID.json(), try byIDAsName.json()]
            #expect(shown == [first, first, first])

            let refused = try await client.wallaroo("/v1/api/connections/delete", token: token, body: #"{"name": "bigqueryhouseapiinput"}"#)
            #expect(refused.status == .conflict)
            #expect(try refused.json()["error"]?.stringValue?.contains("attached") == true)
            let removed = try await client.wallaroo("/v1/api/connections/remove_from_workspace", token: token,
                                                    body: #"{"workspace_id": \#(number), "connection_id": "\#(id)"}"#)
            #expect(removed.status == .noContent && removed.body.readableBytes == 0)
            let again = try await client.wallaroo("/v1/api/connections/remove_from_workspace", token: token,
                                                  body: #"{"workspace_id": \#(number), "connection_id": "\#(id)"}"#)
            #expect(again.status == .notFound)
            let empty = try await client.wallaroo("/v1/api/connections/list", token: token, body: #"{"workspace_id": \#(number)}"#)
            #expect(try empty.json()["connections"] == .array([]))
            let deleted = try await client.wallaroo("/v1/api/connections/delete", token: token, body: #"{"name": "bigqueryhouseapiinput"}"#)
            #expect(deleted.status == .noContent && deleted.body.readableBytes == 0)
            #expect(try await client.wallaroo("/v1/api/connections/get", token: token, body: #"{"name": "bigqueryhouseapiinput"}"#)
                .status == .notFound)
            for answer in answers { #expect(!answer.contains(Self.password), "\(answer)") }
        }
    }

    @Test func badInputAndOtherUsersAreRefusedAndNothingChanges() async throws {
        let server = try await TestServer()
        let accounts = server.app.accounts
        let number = try #require(try await accounts.workspace(named: "default")).number
        let other = try await accounts.createWorkspace(named: "other")
        _ = try await accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: other.id, password: "bobs password")
        try await server.test { client in
            let admin = try await client.wallarooToken()
            let bob = try await client.wallarooToken(username: "bob", password: "bobs password")
            #expect(try await client.wallaroo("/v1/api/connections/create", token: nil, body: Self.create).status == .unauthorized)
            #expect(try await client.wallaroo("/v1/api/connections/create", token: "not-a-token", body: Self.create).status
                == .unauthorized)
            let bad = [
                #"{"name": "Bad Name", "type": "BIGQUERY", "details": {}}"#,
                #"{"name": "ok", "type": "", "details": {}}"#,
                #"{"name": "ok", "type": "BIGQUERY", "details": ["\#(Self.password)"]}"#,
                #"{"name": "ok", "type": "BIGQUERY"}"#,
                #"{"name": "ok", "type": "BIGQUERY", "details": {"k": {"$secret": 1}}}"#,
            ]
            for body in bad {
                let response = try await client.wallaroo("/v1/api/connections/create", token: admin, body: body)
                #expect(response.status == .badRequest, "\(body): \(response.text)")
                #expect(!response.text.contains(Self.password))
            }
            let oversized = #"{"name": "ok", "type": "BIGQUERY", "details": {"k": "\#(String(repeating: "x", count: 70_000))"}}"#
            #expect(try await client.wallaroo("/v1/api/connections/create", token: admin, body: oversized).status == .contentTooLarge)
            #expect(try await server.app.platform.store.connection(named: "ok") == nil)

            let created = try await client.wallaroo("/v1/api/connections/create", token: admin, body: Self.create)
            let id = try #require(try created.json()["id"]?.stringValue)
            #expect(try await client.wallaroo("/v1/api/connections/create", token: admin, body: Self.create).status == .conflict)
            // Bob sees nothing of a connection attached to no workspace of his.
            for (path, body) in [("get", #"{"name": "bigqueryhouseapiinput"}"#), ("get_by_id", #"{"id": "\#(id)"}"#),
                                 ("delete", #"{"name": "bigqueryhouseapiinput"}"#)] {
                #expect(try await client.wallaroo("/v1/api/connections/\(path)", token: bob, body: body).status == .notFound, "\(path)")
            }
            // Nor may he attach it, list a workspace he is not a member of, or attach to one.
            #expect(try await client.wallaroo("/v1/api/connections/add_to_workspace", token: bob,
                                              body: #"{"workspace_id": \#(other.number), "connection_id": "\#(id)"}"#).status == .notFound)
            #expect(try await client.wallaroo("/v1/api/connections/list", token: bob, body: #"{"workspace_id": \#(number)}"#).status
                == .forbidden)
            #expect(try await client.wallaroo("/v1/api/connections/add_to_workspace", token: admin,
                                              body: #"{"workspace_id": \#(other.number), "connection_id": "\#(id)"}"#).status == .forbidden)
            #expect(try await client.wallaroo("/v1/api/connections/add_to_workspace", token: admin,
                                              body: #"{"workspace_id": 999, "connection_id": "\#(id)"}"#).status == .notFound)
            #expect(try await client.wallaroo("/v1/api/connections/add_to_workspace", token: admin,
                                              body: #"{"workspace_id": \#(number), "connection_id": "\#(UUID().uuidString)"}"#).status
                == .notFound)
            let stored = try #require(try await server.app.platform.store.connection(id: id))
            #expect(stored.workspaceIDs.isEmpty, "nothing refused attached it")

            // Once attached to a workspace of Bob's (by a member of both), Bob sees it with only his workspace's name.
            let adminUser = try #require(try await server.app.platform.store.user(named: "admin"))
            try await server.app.platform.store.addMember(userID: adminUser.id, workspaceID: other.id, role: .collaborator)
            for workspace in [number, other.number] {
                #expect(try await client.wallaroo("/v1/api/connections/add_to_workspace", token: admin,
                                                  body: #"{"workspace_id": \#(workspace), "connection_id": "\#(id)"}"#).status == .ok)
            }
            let seen = try await client.wallaroo("/v1/api/connections/get", token: bob, body: #"{"name": "bigqueryhouseapiinput"}"#)
            #expect(seen.status == .ok)
            #expect(try seen.json()["workspace_names"] == .array([.string("other")]))
            #expect(!seen.text.contains(Self.password))
        }
    }
}
