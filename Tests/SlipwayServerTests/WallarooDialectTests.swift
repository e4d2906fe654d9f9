import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The Wallaroo dialect over HTTP: the Keycloak token endpoint (every grant, allowed and
/// refused), bearer authentication, and its error shapes.
@Suite("Wallaroo dialect over HTTP")
struct WallarooDialectTests {
    // MARK: - Token endpoint

    @Test func passwordGrantIssuesAnRS256AccessTokenAndARefreshToken() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.passwordGrant()
            let access = try #require(response["access_token"]?.stringValue)
            #expect(response["refresh_token"]?.stringValue?.hasPrefix("swr_") == true)
            #expect(response["token_type"] == .string("Bearer"))
            #expect(response["expires_in"] == .number(3600))
            let (header, claims) = try jwtParts(access)
            #expect(header["alg"] == .string("RS256"))
            #expect(header["typ"] == .string("JWT"))
            #expect(header["kid"]?.stringValue?.isEmpty == false)
            let admin = try #require(try await server.app.platform.store.user(named: "admin"))
            #expect(claims["sub"] == .string(admin.id))
            #expect(claims["azp"] == .string("api-client"))
            #expect(claims["preferred_username"] == .string("admin"))
            #expect(claims["email"] == nil, "the admin has no email, as Keycloak's")
            #expect(claims["typ"] == .string("Bearer"))
            #expect(claims["sid"] != nil && claims["sid"] == claims["session_state"])
            #expect(claims["aud"] == .array([.string("master-realm"), .string("account")]))
            #expect(claims["https://hasura.io/jwt/claims"]?["x-hasura-user-id"] == .string(admin.id))
            #expect(claims["iss"]?.stringValue?.hasSuffix("/auth/realms/master") == true)
            guard case .number(let exp)? = claims["exp"], case .number(let iat)? = claims["iat"] else {
                Issue.record("exp/iat are not numbers"); return
            }
            #expect(exp - iat == 3600)
            #expect(try await client.wallaroo("/v1/api/users/query", token: access).status == .ok)
        }
    }

    @Test func usersSignInWithTheirEmailAndTheTokenNamesIt() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            let invite = try await client.wallaroo("/v1/api/users/invite", token: admin,
                                                   body: #"{"email":"john.hansarick@wallaroo.ai","password":"Snugglebunnies"}"#)
            #expect(invite.status == .ok)
            #expect(invite.text == "null")
            let token = try await client.wallarooToken(username: "john.hansarick@wallaroo.ai", password: "Snugglebunnies")
            let claims = try jwtParts(token).claims
            #expect(claims["preferred_username"] == .string("john.hansarick@wallaroo.ai"))
            #expect(claims["email"] == .string("john.hansarick@wallaroo.ai"))
            // The Slipway name works too.
            _ = try await client.wallarooToken(username: "john-hansarick-wallaroo-ai", password: "Snugglebunnies")
        }
    }

    @Test func refreshGrantKeepsTheSessionAndReturnsANewRefreshToken() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let first = try await client.passwordGrant()
            let refresh = try #require(first["refresh_token"]?.stringValue)
            let response = try await client.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(response.status == .ok, "\(response.text)")
            let second = try response.json()
            let newRefresh = try #require(second["refresh_token"]?.stringValue)
            #expect(newRefresh != refresh)
            let before = try jwtParts(try #require(first["access_token"]?.stringValue)).claims
            let after = try jwtParts(try #require(second["access_token"]?.stringValue)).claims
            #expect(after["sub"] == before["sub"])
            #expect(after["sid"] == before["sid"])
            #expect(after["jti"] != before["jti"])
            // The new refresh token works, and so does the first one still.
            for token in [newRefresh, refresh] {
                #expect(try await client.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", token)]).status == .ok)
            }
        }
    }

    @Test func offlineAccessScopeGivesALongLivedSession() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.tokenRequest([("grant_type", "password"), ("username", "admin"),
                                                          ("password", TestServer.adminPassword), ("scope", "offline_access")])
            #expect(response.status == .ok)
            #expect(try response.json()["scope"]?.stringValue?.contains("offline_access") == true)
        }
    }

    @Test func clientCredentialsGiveAnInferenceTokenWithoutUser() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.tokenRequest([("grant_type", "client_credentials")])
            #expect(response.status == .ok, "\(response.text)")
            let body = try response.json()
            #expect(body["refresh_token"] == nil)
            let token = try #require(body["access_token"]?.stringValue)
            let claims = try jwtParts(token).claims
            #expect(claims["preferred_username"] == .string("service-account-api-client"))
            #expect(claims["clientId"] == .string("api-client"))
            #expect(claims["sid"] == nil && claims["session_state"] == nil && claims["email"] == nil && claims["name"] == nil)
            // Not a user: control routes refuse it.
            let refused = try await client.wallaroo("/v1/api/workspaces/list", token: token)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("inference"))
        }
    }

    @Test(arguments: [("api-client", "wrong-secret"), ("other-client", TestServer.clientSecret), ("api-client", "")])
    func aBadClientIs401InvalidClient(client id: String, secret: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            for grant in ["password", "client_credentials"] {
                let response = try await client.tokenRequest(
                    [("grant_type", grant), ("username", "admin"), ("password", TestServer.adminPassword)],
                    client: id, secret: secret)
                #expect(response.status == .unauthorized)
                #expect(try response.json()["error"] == .string("invalid_client"))
                #expect(!response.text.contains(TestServer.adminPassword))
            }
        }
    }

    @Test func aMissingClientIs401() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.tokenRequest([("grant_type", "client_credentials")], client: nil)
            #expect(response.status == .unauthorized)
            #expect(try response.json()["error"] == .string("invalid_client"))
        }
    }

    @Test func thePublicSDKClientSignsInWithoutSecretButGetsNoClientToken() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let signIn = try await client.tokenRequest(
                [("grant_type", "password"), ("username", "admin"), ("password", TestServer.adminPassword),
                 ("client_id", "sdk-client")], client: nil)
            #expect(signIn.status == .ok)
            #expect(try jwtParts(try #require(try signIn.json()["access_token"]?.stringValue)).claims["azp"]
                == .string("sdk-client"))
            let refused = try await client.tokenRequest([("grant_type", "client_credentials"), ("client_id", "sdk-client")],
                                                        client: nil)
            #expect(refused.status == .badRequest)
            #expect(try refused.json()["error"] == .string("unauthorized_client"))
        }
    }

    @Test(arguments: [("admin", "wrong password"), ("nobody", TestServer.adminPassword), ("admin", "")])
    func badUserCredentialsAre400InvalidGrant(username: String, password: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.tokenRequest([("grant_type", "password"), ("username", username),
                                                          ("password", password)])
            #expect(response.status == .badRequest)
            #expect(try response.json() == .object(["error": .string("invalid_grant"),
                                                    "error_description": .string("Invalid user credentials")]))
        }
    }

    @Test(arguments: [[("grant_type", "authorization_code")], [("username", "admin")],
                      [("grant_type", "password"), ("username", "admin")], [("grant_type", "refresh_token")],
                      [("grant_type", "refresh_token"), ("refresh_token", "swr_unknown")]])
    func badGrantsAre400(fields: [(String, String)]) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.tokenRequest(fields)
            #expect(response.status == .badRequest)
            let body = try response.json()
            #expect(["unsupported_grant_type", "invalid_request", "invalid_grant"].contains(body["error"]?.stringValue ?? ""))
            #expect(body["error_description"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func aDeactivatedUserIsRefusedEverywhereUntilActivated() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            _ = try await client.wallaroo("/v1/api/users/invite", token: admin,
                                          body: #"{"email":"bob@example.com","password":"bobs password"}"#)
            let signIn = try await client.passwordGrant(username: "bob@example.com", password: "bobs password")
            let refresh = try #require(signIn["refresh_token"]?.stringValue)
            let access = try #require(signIn["access_token"]?.stringValue)
            #expect(try await client.wallaroo("/v1/api/workspaces/list", token: access).status == .ok)

            let deactivate = try await client.wallaroo("/v1/api/users/deactivate", token: admin,
                                                       body: #"{"email":"bob@example.com"}"#)
            #expect(deactivate.status == .ok)
            #expect(deactivate.text == "null")
            let grant = try await client.tokenRequest([("grant_type", "password"), ("username", "bob@example.com"),
                                                       ("password", "bobs password")])
            #expect(grant.status == .badRequest)
            #expect(try grant.json()["error_description"] == .string("Account disabled"))
            let refreshed = try await client.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh)])
            #expect(refreshed.status == .badRequest)
            #expect(try refreshed.json()["error"] == .string("invalid_grant"))
            #expect(try await client.wallaroo("/v1/api/workspaces/list", token: access).status == .unauthorized)

            #expect(try await client.wallaroo("/v1/api/users/activate", token: admin,
                                              body: #"{"email":"bob@example.com"}"#).status == .ok)
            _ = try await client.passwordGrant(username: "bob@example.com", password: "bobs password")
            #expect(try await client.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh)]).status == .ok)
            #expect(try await client.wallaroo("/v1/api/workspaces/list", token: access).status == .ok)
        }
    }

    @Test func aDeactivatedUsersCraftSDKTokenIsRefused() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let admin = try await client.wallarooToken()
            _ = try await client.wallaroo("/v1/api/users/invite", token: admin, body: #"{"email":"carol@example.com"}"#)
            let carol = try #require(try await server.app.platform.store.user(email: "carol@example.com"))
            let workspace = try #require(try await server.app.platform.store.workspace(named: "default"))
            let sdkToken = try await server.app.accounts.issueUserToken(userID: carol.id, workspaceID: workspace.id)
            _ = try await client.accessToken(sdkToken)
            _ = try await client.wallaroo("/v1/api/users/deactivate", token: admin, body: #"{"email":"carol@example.com"}"#)
            let refused = try await client.execute(uri: "/api/v1/auth/refresh", method: .post,
                                                   headers: [.contentType: "application/json"],
                                                   body: ByteBuffer(string: #"{"refresh_token":"\#(sdkToken)"}"#))
            #expect(refused.status == .unauthorized)
            #expect(try refused.json()["message"] == .string("the account is disabled"))
        }
    }

    @Test func logoutEndsTheSession() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let refresh = try #require(try await client.passwordGrant()["refresh_token"]?.stringValue)
            let headers: HTTPFields = [
                .contentType: "application/x-www-form-urlencoded",
                .authorization: "Basic " + Data("api-client:\(TestServer.clientSecret)".utf8).base64EncodedString(),
            ]
            let logout = try await client.execute(uri: "/auth/realms/master/protocol/openid-connect/logout", method: .post,
                                                  headers: headers, body: ByteBuffer(string: "refresh_token=\(refresh)"))
            #expect(logout.status == .noContent)
            #expect(try await client.tokenRequest([("grant_type", "refresh_token"), ("refresh_token", refresh)]).status
                == .badRequest)
        }
    }

    @Test func theSigningKeyIsPublishedAsAJWKSAndKeptInTheDataDirectory() async throws {
        let server = try await TestServer()
        let keyFile = server.dataDirectory.appendingPathComponent("rsa-signing-key.pem")
        let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try await server.test { client in
            let response = try await client.execute(uri: "/auth/realms/master/protocol/openid-connect/certs", method: .get)
            #expect(response.status == .ok)
            let key = try #require(try response.json()["keys"]?.arrayValue?.first)
            let token = try await client.wallarooToken()
            #expect(try key["kid"] == jwtParts(token).header["kid"])
            #expect(key["kty"] == .string("RSA"))
            #expect(!response.text.contains("PRIVATE"))
        }
    }

    // MARK: - Bearer authentication

    @Test func expiredTokensAre401() async throws {
        let server = try await TestServer(accessTokenLifetime: 1)
        try await server.test { client in
            let token = try await client.wallarooToken()
            try await Task.sleep(for: .milliseconds(2100))
            let response = try await client.wallaroo("/v1/api/workspaces/list", token: token)
            #expect(response.status == .unauthorized)
            #expect(try response.json()["error"] == .string("the access token has expired"))
        }
    }

    @Test func foreignTokensAre401() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let genuine = try await client.wallarooToken()
            // The same claims signed by another key.
            let foreign = try await RSATokenSigner(privateKeyPEM: try RSATokenSigner.newPrivateKeyPEM())
            let claims = try await server.app.frontEnd.wallarooClaims(of: genuine)
            let forged = try await foreign.sign(claims)
            // A Craft AI access token (HS256) is not a Wallaroo token either.
            let craft = try await client.accessToken()
            var tampered = genuine
            tampered.removeLast(4)
            tampered += "AAAA"
            for token in [forged, craft, tampered, "not-a-jwt", ""] {
                let response = try await client.wallaroo("/v1/api/workspaces/list", token: token)
                #expect(response.status == .unauthorized, "\(token.prefix(20))")
            }
            for header in ["Basic abc", "Bearer", "bearer"] {
                let response = try await client.execute(uri: "/v1/api/workspaces/list", method: .post,
                                                        headers: [.authorization: header], body: ByteBuffer(string: "{}"))
                #expect(response.status == .unauthorized)
            }
            #expect(try await client.wallaroo("/v1/api/workspaces/list", token: nil).status == .unauthorized)
            // And a Wallaroo token is no Craft AI token.
            #expect(try await client.get("/api/v1/steps", token: genuine).status == .unauthorized)
        }
    }

    // MARK: - Error shapes and bodies

    @Test func errorsHaveTheWallarooShape() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.wallaroo("/v1/api/workspaces/list", token: nil)
            let body = try response.json()
            #expect(body["code"] == .number(401))
            #expect(body["status"] == .string("error"))
            #expect(body["error"]?.stringValue?.contains("Authorization") == true)
            #expect(body["request_id"]?.stringValue?.isEmpty == false)
            let missing = try await client.wallaroo("/v1/api/no/such/route", token: try await client.wallarooToken())
            #expect(missing.status == .notFound)
            #expect(try missing.json()["code"] == .number(404))
        }
    }

    @Test(arguments: [
        ("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object"), (#"{"workspace_name": 7}"#, "'workspace_name' must be a string"),
        (#"{"other": 1}"#, "'workspace_name' is required"), (#"{"workspace_name": null}"#, "'workspace_name'"),
    ])
    func badBodiesAre400WithTheReason(body: String, reason: String) async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            let before = try await server.app.platform.store.listWorkspaces()
            let response = try await client.wallaroo("/v1/api/workspaces/create", token: token, body: body)
            #expect(response.status == .badRequest)
            let json = try response.json()
            #expect(json["code"] == .number(400))
            #expect(json["error"]?.stringValue?.contains(reason) == true, "\(response.text)")
            #expect(try await server.app.platform.store.listWorkspaces() == before)
        }
    }

    @Test func anOversizedBodyIs413() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            let body = #"{"workspace_name":"x","pad":""# + String(repeating: "a", count: 2 << 20) + #""}"#
            let response = try await client.wallaroo("/v1/api/workspaces/create", token: token, body: body)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json()["code"] == .number(413))
        }
    }

    @Test func doubledSlashesAndUnknownKeysAreTolerated() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            let response = try await client.wallaroo("/v1/api//workspaces//create", token: token,
                                                     body: #"{"workspace_name":"slashes","extra":{"a":1}}"#)
            #expect(response.status == .ok, "\(response.text)")
            #expect(try response.json()["workspace_id"] == .number(2))
            let error = try await client.wallaroo("//v1/api/workspaces/create", token: token, body: "{")
            #expect(error.status == .badRequest)
            #expect(try error.json()["status"] == .string("error"), "doubled slashes keep the Wallaroo error shape")
        }
    }

    @Test func anEmptyBodyReadsAsAnEmptyObject() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let token = try await client.wallarooToken()
            let response = try await client.wallaroo("/v1/api/workspaces/list", token: token, body: "")
            #expect(response.status == .ok)
        }
    }
}

extension HTTPFrontEnd {
    /// The claims of a token this server issued (for tests that re-sign them).
    func wallarooClaims(of token: String) async throws -> WallarooTokenClaims {
        let dialect = try #require(dialects.compactMap { $0 as? WallarooDialect }.first)
        return try await dialect.tokens.signer.verify(token, as: WallarooTokenClaims.self)
    }
}
