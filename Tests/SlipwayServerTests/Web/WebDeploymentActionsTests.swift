import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The state-changing forms of the deployment and execution pages: CSRF-checked, then applied.
@Suite("Web UI deployment actions")
struct WebDeploymentActionsTests {
    static let page = "/ui/w/default/deployments/scorer"

    static func server() async throws -> (TestServer, UIFixtures) {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let train = try await fixtures.pipeline("train")
        try await fixtures.deployment("scorer", of: train)
        try await fixtures.deployment("nightly", of: train, rule: .periodic)
        try await fixtures.execution("train-ok", of: train)
        return (server, fixtures)
    }

    @Test func postsWithoutTokenAreRefused() async throws {
        let (server, fixtures) = try await Self.server()
        let before = try await fixtures.storedDeployment("scorer")
        try await server.test { client in
            let browser = try await client.signIn()
            let posts: [(String, [(String, String)])] = [
                (Self.page + "/enabled", [("enabled", "false")]), (Self.page + "/token", []),
                ("/ui/w/default/executions/train-ok/rerun", []), ("/ui/w/default/data-store/delete", [("path", "a.txt")]),
            ]
            for (uri, fields) in posts {
                for csrf in [UIBrowser.CSRF.none, .given(""), .given("forged-token"), .given(String(browser.csrf.dropLast()))] {
                    let response = try await browser.post(client, uri, fields, csrf: csrf)
                    #expect(response.status == .forbidden, "\(uri) \(csrf): \(response.status)")
                    #expect(response.text.contains("<h1>Not allowed</h1>"), "\(uri)")
                    #expect(response.text.contains("did not come from this site"), "\(uri)")
                }
            }
            // The token in the header is accepted as well as in the form (used by scripts).
            let byHeader = try await client.execute(
                uri: Self.page + "/enabled", method: .post,
                headers: [.cookie: browser.cookieHeader, .contentType: "application/x-www-form-urlencoded",
                          WebSession.csrfHeader: browser.csrf],
                body: ByteBuffer(string: "enabled=false"))
            #expect(byHeader.status == .seeOther, "\(byHeader.text)")
            // Without a session, a post is refused (401, which a script can report) and changes nothing.
            let anonymous = try await client.execute(uri: Self.page + "/token", method: .post,
                                                     headers: [.contentType: "application/x-www-form-urlencoded"],
                                                     body: ByteBuffer(string: "csrf_token=" + browser.csrf))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.text.contains("your session has ended"))

            let after = try await fixtures.storedDeployment("scorer")
            #expect(after.endpointTokenHash == before.endpointTokenHash, "no refused post rotated the token")
            #expect(after.isEnabled == false, "only the post with the header token applied")
            #expect(try await fixtures.store.listExecutions(workspaceID: fixtures.workspace.id, pipelineName: "train").count == 1,
                    "no refused post started an execution")
        }
    }

    @Test func disableAndEnable() async throws {
        let (server, fixtures) = try await Self.server()
        try await server.test { client in
            let browser = try await client.signIn()
            let disabled = try await browser.post(client, Self.page + "/enabled", [("enabled", "false")])
            #expect(disabled.status == .seeOther, "\(disabled.text)")
            #expect(disabled.headers[.location] == Self.page)
            #expect(try await fixtures.storedDeployment("scorer").isEnabled == false)
            let page = try await browser.get(client, Self.page)
            #expect(page.text.contains("<dt>Enabled</dt><dd>no</dd>"))
            #expect(page.text.contains(#"<input type="hidden" name="enabled" value="true"><button type="submit">Enable</button>"#))
            #expect(try await browser.get(client, "/ui/w/default/").text.contains("<td>disabled</td>"), "overview health")

            #expect(try await browser.post(client, Self.page + "/enabled", [("enabled", "true")]).status == .seeOther)
            #expect(try await fixtures.storedDeployment("scorer").isEnabled == true)
            #expect(try await browser.get(client, Self.page).text.contains("<dt>Enabled</dt><dd>yes</dd>"))

            #expect(try await browser.post(client, Self.page + "/enabled", [("enabled", "maybe")]).status == .badRequest)
            #expect(try await browser.post(client, "/ui/w/default/deployments/nope/enabled", [("enabled", "false")]).status == .notFound)
        }
    }

    @Test func rotatedTokenIsShownOnce() async throws {
        let (server, fixtures) = try await Self.server()
        let before = try await fixtures.storedDeployment("scorer")
        let oldToken = try #require(server.app.core.deployments.endpointToken(of: before))
        try await server.test { client in
            let browser = try await client.signIn()
            let rotated = try await browser.post(client, Self.page + "/token")
            #expect(rotated.status == .ok, "answered, not redirected: \(rotated.text)")
            let html = rotated.text
            #expect(html.contains("<h2 id=\"token-h\">New endpoint token</h2>"))
            let shown = try #require(html.range(of: #"<code id="new-token" class="token">"#).map { range in
                String(html[range.upperBound...].prefix { $0 != "<" })
            })
            #expect(shown.hasPrefix("swe_"))
            #expect(shown != oldToken)
            let stored = try await fixtures.storedDeployment("scorer")
            #expect(stored.endpointTokenHash == AccountService.hash(shown), "the token shown is the one that now works")
            #expect(server.app.core.deployments.endpointToken(of: stored) == shown)
            Self.expectNoStore(rotated)

            let again = try await browser.get(client, Self.page)
            #expect(again.status == .ok)
            #expect(!again.text.contains(shown), "the new token is shown once")
            #expect(!again.text.contains("New endpoint token"))

            // A periodic deployment has no endpoint token.
            let periodic = try await browser.post(client, "/ui/w/default/deployments/nightly/token")
            #expect(periodic.status == .badRequest)
            #expect(periodic.text.contains("is not an endpoint"))
        }
    }

    static func expectNoStore(_ response: TestResponse) {
        #expect(response.headers[.cacheControl] == "no-store")
    }
}
