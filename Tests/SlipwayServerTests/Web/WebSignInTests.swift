import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Signing in and out of the web UI, the session cookie, CSRF on forms, and who sees which workspace.
@Suite("Web UI sign-in and session")
struct WebSignInTests {
    @Test func signInPageSetsDoubleSubmitToken() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let page = try await client.execute(uri: "/ui/sign-in?next=%2Fui%2Fw%2Fdefault%2Fexecutions", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("<h1>Sign in to Slipway</h1>"))
            #expect(page.text.contains(#"<form method="post" action="/ui/sign-in""#))
            #expect(UIForms.hiddenValue("next", in: page.text) == "/ui/w/default/executions")
            #expect(!page.text.contains("role=\"alert\""), "no error before a try")
            let header = try #require(UIForms.setCookie(WebSession.signInCookieName, in: page))
            let field = try #require(UIForms.hiddenValue("csrf_token", in: page.text))
            #expect(field.count >= 24)
            #expect(UIForms.cookieValue(header) == field)
            #expect(header.contains("HttpOnly"))
            #expect(header.contains("SameSite=Strict"))
            // A fresh token on each visit.
            let again = try await client.execute(uri: "/ui/sign-in", method: .get)
            #expect(UIForms.hiddenValue("csrf_token", in: again.text) != field)
            // An outside `next` is not carried into the form.
            let outside = try await client.execute(uri: "/ui/sign-in?next=%2F%2Fevil.com%2Fx", method: .get)
            #expect(UIForms.hiddenValue("next", in: outside.text) == "/ui")
        }
    }

    @Test func signInSetsSessionCookieAndRedirectsToNext() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let form = try await client.signInForm()
            let response = try await client.postSignIn(username: "admin", password: TestServer.adminPassword, cookie: form.cookie,
                                                       field: form.field, next: "/ui/w/default/pipelines")
            #expect(response.status == .seeOther, "\(response.text)")
            #expect(response.headers[.location] == "/ui/w/default/pipelines")
            let session = try #require(UIForms.setCookie(WebSession.cookieName, in: response))
            #expect(UIForms.cookieValue(session).count >= 20)
            let attributes = session.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(attributes.contains("HttpOnly"))
            #expect(attributes.contains("SameSite=Strict"))
            #expect(attributes.contains("Path=/ui"))
            #expect(attributes.contains { $0.hasPrefix("Max-Age=") && $0 != "Max-Age=0" })
            #expect(!attributes.contains("Secure"), "plain HTTP in tests")
            // The double-submit cookie is removed.
            let cleared = try #require(UIForms.setCookie(WebSession.signInCookieName, in: response))
            #expect(cleared.contains("Max-Age=0"))
            // The session works.
            let browser = UIBrowser(cookie: UIForms.cookieValue(session), csrf: "")
            let page = try await browser.get(client, "/ui/w/default/pipelines")
            #expect(page.status == .ok)
            #expect(page.text.contains("<span class=\"user\">admin</span>"))
        }
    }

    @Test func sessionCookieIsSecureBehindTLSProxy() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let form = try await client.signInForm()
            let response = try await client.execute(
                uri: "/ui/sign-in", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "\(WebSession.signInCookieName)=\(form.cookie)",
                          .init("X-Forwarded-Proto")!: "https"],
                body: ByteBuffer(string: UIForms.encode([("username", "admin"), ("password", TestServer.adminPassword),
                                                         ("csrf_token", form.field)])))
            #expect(response.status == .seeOther)
            let session = try #require(UIForms.setCookie(WebSession.cookieName, in: response))
            #expect(session.contains("; Secure"))
        }
    }

    @Test func wrongPasswordIs401WithAlert() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let form = try await client.signInForm()
            let response = try await client.postSignIn(username: "admin", password: "not-the-password", cookie: form.cookie,
                                                       field: form.field)
            #expect(response.status == .unauthorized)
            #expect(response.text.contains(#"role="alert""#))
            #expect(response.text.contains("Wrong user name or password."))
            #expect(response.text.contains(#"value="admin""#), "the user name is kept")
            #expect(!response.text.contains("not-the-password"), "the password is not echoed")
            #expect(UIForms.setCookie(WebSession.cookieName, in: response) == nil)
            // An unknown user gets the same answer.
            let unknown = try await client.postSignIn(username: "nobody", password: "whatever-password", cookie: form.cookie,
                                                      field: form.field)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("Wrong user name or password."))
        }
    }

    @Test func signInWithoutOrWithWrongTokenIs403() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let form = try await client.signInForm()
            let cases: [(String, String?, String?)] = [
                ("no field", form.cookie, nil), ("no cookie", nil, form.field), ("neither", nil, nil),
                ("mismatch", form.cookie, form.field + "x"), ("other token", form.cookie, String(form.field.reversed())),
            ]
            for (label, cookie, field) in cases {
                let response = try await client.postSignIn(username: "admin", password: TestServer.adminPassword,
                                                           cookie: cookie, field: field)
                #expect(response.status == .forbidden, "\(label)")
                #expect(response.text.contains("This sign-in form has expired"), "\(label)")
                #expect(UIForms.setCookie(WebSession.cookieName, in: response) == nil, "\(label): no session")
            }
        }
    }

    @Test func pageWithoutSessionRedirectsToSignIn() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let response = try await client.execute(uri: "/ui/w/default/executions?status=failed", method: .get)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/sign-in?next=%2Fui%2Fw%2Fdefault%2Fexecutions%3Fstatus%3Dfailed")
            let garbage = try await client.execute(uri: "/ui/w/default/", method: .get,
                                                   headers: [.cookie: "\(WebSession.cookieName)=not-a-session"])
            #expect(garbage.status == .seeOther)
            #expect(garbage.headers[.location]?.hasPrefix("/ui/sign-in") == true)
            let root = try await client.execute(uri: "/ui", method: .get)
            #expect(root.status == .seeOther)
            #expect(root.headers[.location] == "/ui/sign-in")
        }
    }

    @Test func uiRootRedirectsToFirstWorkspace() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let response = try await browser.get(client, "/ui")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/ui/w/default/")
        }
    }

    @Test func signOutNeedsTokenAndEndsTheSession() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            #expect(try await browser.post(client, "/ui/sign-out", csrf: .none).status == .forbidden)
            #expect(try await browser.post(client, "/ui/sign-out", csrf: .given(browser.csrf + "A")).status == .forbidden)
            #expect(try await browser.get(client, "/ui/w/default/").status == .ok, "a refused sign-out changes nothing")

            let out = try await browser.post(client, "/ui/sign-out")
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/ui/sign-in")
            let cleared = try #require(UIForms.setCookie(WebSession.cookieName, in: out))
            #expect(cleared.contains("Max-Age=0"))
            // The old cookie, replayed, is no session any more.
            let replayed = try await browser.get(client, "/ui/w/default/executions")
            #expect(replayed.status == .seeOther)
            #expect(replayed.headers[.location]?.hasPrefix("/ui/sign-in?next=") == true)
            #expect(try await browser.get(client, "/ui").headers[.location] == "/ui/sign-in")
        }
    }

    @Test func csrfTokenIsPerSession() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let first = try await client.signIn()
            let second = try await client.signIn()
            #expect(first.cookie != second.cookie)
            #expect(first.csrf != second.csrf)
            #expect(first.csrf == WebSession.csrfToken(session: first.cookie))
            // One session's token does not sign another's form.
            #expect(try await first.post(client, "/ui/sign-out", csrf: .given(second.csrf)).status == .forbidden)
            #expect(try await first.post(client, "/ui/sign-out").status == .seeOther)
            #expect(try await second.get(client, "/ui/w/default/").status == .ok, "signing out ends only that session")
        }
    }

    @Test func workspaceOfOthersIs404() async throws {
        let server = try await TestServer()
        _ = try await server.app.accounts.createWorkspace(named: "secret-team")
        try await server.test { client in
            let browser = try await client.signIn()
            for path in ["", "executions", "pipelines", "deployments", "data-store", "workflows"] {
                let response = try await browser.get(client, "/ui/w/secret-team/" + path)
                #expect(response.status == .notFound, "\(path): \(response.status)")
                #expect(response.text.contains("<h1>Not found</h1>"), "\(path)")
                #expect(response.text.contains(#"role="alert""#))
            }
            #expect(try await browser.get(client, "/ui/w/no-such-workspace/").status == .notFound)
            // Not listed in the switcher either.
            let own = try await browser.get(client, "/ui/w/default/")
            #expect(own.text.contains(#"<option value="default" selected>default</option>"#))
            #expect(!own.text.contains("secret-team"))
        }
    }

    @Test func collaboratorSeesOnlyTheirWorkspaces() async throws {
        let server = try await TestServer()
        let team = try await server.app.accounts.createWorkspace(named: "team-b")
        _ = try await server.app.accounts.createUser(name: "bob", email: "bob@example.com", workspaceID: team.id,
                                                     password: "bob-password-123")
        try await server.test { client in
            let bob = try await client.signIn(username: "bob", password: "bob-password-123", workspace: "team-b")
            #expect(try await bob.get(client, "/ui").headers[.location] == "/ui/w/team-b/")
            #expect(try await bob.get(client, "/ui/w/default/").status == .notFound)
            let page = try await bob.get(client, "/ui/w/team-b/")
            #expect(page.text.contains("<span class=\"user\">bob</span>"))
            #expect(page.text.contains("<h1>team-b</h1>"))
        }
    }
}
