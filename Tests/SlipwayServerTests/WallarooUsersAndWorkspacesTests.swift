import Foundation
import HummingbirdTesting
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Users and workspaces through the Wallaroo dialect: the response shapes of the protocol
/// reference (§3–4) and each authorisation rule allowed and refused.
@Suite("Wallaroo users and workspaces over HTTP")
struct WallarooUsersAndWorkspacesTests {
    @Test func usersQueryIsAnObjectKeyedByIdWithKeycloakRepresentations() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            _ = try await client.wallaroo("/v1/api/users/invite", token: token,
                                          body: #"{"email":"john.hansarick@wallaroo.ai","password":"Snugglebunnies"}"#)
            let all = try await client.wallaroo("/v1/api/users/query", token: token)
            #expect(all.status == .ok)
            let users = try #require(try all.json()["users"]?.objectValue)
            #expect(users.count == 2)
            let admin = try #require(users.values.first { $0["username"] == .string("admin") })
            #expect(admin["email"] == nil && admin["firstName"] == nil)
            #expect(admin["enabled"] == .bool(true))
            #expect(admin["access"]?["impersonate"] == .bool(false))
            #expect(admin["requiredActions"] == .array([]))
            guard case .number(let created)? = admin["createdTimestamp"] else { Issue.record("no createdTimestamp"); return }
            #expect(abs(created / 1000 - Date().timeIntervalSince1970) < 600)
            #expect(created == created.rounded(), "integer milliseconds")
            let john = try #require(users.first { $0.value["username"] == .string("john.hansarick@wallaroo.ai") })
            #expect(john.value["id"] == .string(john.key))
            #expect(john.value["email"] == .string("john.hansarick@wallaroo.ai"))
            #expect(!all.text.contains("Snugglebunnies") && !all.text.contains("scrypt"))

            let one = try await client.wallaroo("/v1/api/users/query", token: token, body: #"{"user_ids":["\#(john.key)"]}"#)
            #expect(try one.json()["users"]?.objectValue.map { Array($0.keys) } == [john.key])
            // `workspace_id` is ignored, as Wallaroo ignores it.
            let ignored = try await client.wallaroo("/v1/api/users/query", token: token, body: #"{"workspace_id":1}"#)
            #expect(try ignored.json()["users"]?.objectValue?.count == 2)
        }
    }

    @Test func inviteIsRefusedForDuplicatesAndNonAdministrators() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            let body = #"{"email":"bob@example.com","password":"bobs password"}"#
            #expect(try await client.wallaroo("/v1/api/users/invite", token: admin, body: body).status == .ok)
            let duplicate = try await client.wallaroo("/v1/api/users/invite", token: admin, body: body)
            #expect(duplicate.status == .conflict)
            #expect(!duplicate.text.contains("bobs password"))
            let bob = try await client.wallarooToken(username: "bob@example.com", password: "bobs password")
            let refused = try await client.wallaroo("/v1/api/users/invite", token: bob, body: #"{"email":"eve@example.com"}"#)
            #expect(refused.status == .forbidden)
            let deactivate = try await client.wallaroo("/v1/api/users/deactivate", token: bob,
                                                       body: #"{"email":"admin@localhost"}"#)
            #expect(deactivate.status == .forbidden)
            #expect(try await server.app.platform.store.listUsers().count == 2, "nothing was added")
            #expect(try await client.wallaroo("/v1/api/users/invite", token: admin, body: #"{"email":"bad"}"#).status
                == .badRequest)
            #expect(try await client.wallaroo("/v1/api/users/deactivate", token: admin, body: #"{"email":"no@x.io"}"#).status
                == .notFound)
        }
    }

    @Test func workspaceFlow() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            let adminID = try #require(try jwtParts(admin).claims["sub"]?.stringValue)
            _ = try await client.wallaroo("/v1/api/users/invite", token: admin,
                                          body: #"{"email":"john.hansarick@wallaroo.ai","password":"Snugglebunnies"}"#)
            let created = try await client.wallaroo("/v1/api/workspaces/create", token: admin,
                                                    body: #"{"workspace_name":"apiworkspaces"}"#)
            #expect(created.status == .ok)
            #expect(try created.json() == .object(["workspace_id": .number(2)]))

            let list = try await client.wallaroo("/v1/api/workspaces/list", token: admin)
            let workspaces = try #require(try list.json()["workspaces"]?.arrayValue)
            #expect(workspaces.map { $0["id"] } == [.number(1), .number(2)])
            let entry = workspaces[1]
            #expect(entry["name"] == .string("apiworkspaces"))
            #expect(entry["created_by"] == .string(adminID))
            #expect(entry["archived"] == .bool(false))
            #expect(entry["models"] == .array([]) && entry["pipelines"] == .array([]))
            let createdAt = try #require(entry["created_at"]?.stringValue)
            #expect(createdAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00/) != nil, "\(createdAt)")

            let added = try await client.wallaroo("/v1/api/workspaces/add_user", token: admin,
                                                  body: #"{"email":"john.hansarick@wallaroo.ai","workspace_id":2}"#)
            #expect(added.status == .ok)
            #expect(added.text == "{}")
            let members = try await client.wallaroo("/v1/api/workspaces/list_users", token: admin, body: #"{"workspace_id":2}"#)
            let users = try #require(try members.json()["users"]?.arrayValue)
            #expect(users.map { $0["user_type"] } == [.string("OWNER"), .string("COLLABORATOR")])
            #expect(users[0]["user_id"] == .string(adminID))

            let removed = try await client.wallaroo("/v1/api/workspaces/remove_user", token: admin,
                                                    body: #"{"email":"john.hansarick@wallaroo.ai","workspace_id":2}"#)
            #expect(try removed.json() == .object(["affected_rows": .number(1)]))

            // The workspace is a Craft AI environment too: an SDK token for it opens it.
            let workspace = try #require(try await server.app.platform.store.workspace(named: "apiworkspaces"))
            let sdk = try await server.app.accounts.issueUserToken(userID: adminID, workspaceID: workspace.id)
            let access = try await client.accessToken(sdk)
            #expect(try await client.get("/environments/apiworkspaces/api/v1/steps", token: access).status == .ok)
        }
    }

    @Test func duplicateAndInvalidWorkspaceNamesAre4xxAndStoreNothing() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            #expect(try await client.wallaroo("/v1/api/workspaces/create", token: token,
                                              body: #"{"workspace_name":"taken"}"#).status == .ok)
            let duplicate = try await client.wallaroo("/v1/api/workspaces/create", token: token,
                                                      body: #"{"workspace_name":"taken"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try duplicate.json()["error"]?.stringValue?.contains("already exists") == true)
            for name in ["a_b", "A.b", "UPPER", "-x", ""] {
                let response = try await client.wallaroo("/v1/api/workspaces/create", token: token,
                                                         body: #"{"workspace_name":"\#(name)"}"#)
                #expect(response.status == .badRequest, "\(name)")
            }
            #expect(try await server.app.platform.store.listWorkspaces().count == 2)
        }
    }

    @Test func outsidersGet403AndUnknownWorkspaces404() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            _ = try await client.wallaroo("/v1/api/users/invite", token: admin,
                                          body: #"{"email":"eve@example.com","password":"eves password"}"#)
            let eve = try await client.wallarooToken(username: "eve@example.com", password: "eves password")
            _ = try await client.wallaroo("/v1/api/workspaces/create", token: admin, body: #"{"workspace_name":"private"}"#)
            for (path, body) in [("list_users", #"{"workspace_id":2}"#),
                                 ("add_user", #"{"email":"eve@example.com","workspace_id":2}"#),
                                 ("remove_user", #"{"email":"admin@localhost","workspace_id":2}"#)] {
                let response = try await client.wallaroo("/v1/api/workspaces/\(path)", token: eve, body: body)
                #expect(response.status == .forbidden, "\(path)")
            }
            // Eve sees only her own workspaces, and cannot list another user's.
            let list = try await client.wallaroo("/v1/api/workspaces/list", token: eve)
            #expect(try list.json()["workspaces"] == .array([]))
            let adminID = try #require(try jwtParts(admin).claims["sub"]?.stringValue)
            #expect(try await client.wallaroo("/v1/api/workspaces/list", token: eve,
                                              body: #"{"user_id":"\#(adminID)"}"#).status == .forbidden)
            #expect(try await client.wallaroo("/v1/api/workspaces/list_users", token: admin,
                                              body: #"{"workspace_id":99}"#).status == .notFound)
            #expect(try await client.wallaroo("/v1/api/workspaces/list_users", token: admin,
                                              body: #"{"workspace_id":"2"}"#).status == .badRequest)
            // Once added she is a collaborator: she sees it, but may not manage members.
            _ = try await client.wallaroo("/v1/api/workspaces/add_user", token: admin,
                                          body: #"{"email":"eve@example.com","workspace_id":2}"#)
            #expect(try await client.wallaroo("/v1/api/workspaces/list_users", token: eve,
                                              body: #"{"workspace_id":2}"#).status == .ok)
            #expect(try await client.wallaroo("/v1/api/workspaces/remove_user", token: eve,
                                              body: #"{"email":"admin@localhost","workspace_id":2}"#).status == .forbidden)
            // The last owner stays.
            #expect(try await client.wallaroo("/v1/api/workspaces/remove_user", token: admin,
                                              body: #"{"user_id":"\#(adminID)","workspace_id":2}"#).status == .conflict)
        }
    }
}
