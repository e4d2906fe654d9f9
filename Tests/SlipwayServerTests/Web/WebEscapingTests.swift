import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Names and values from users are written escaped on every page, never as markup.
@Suite("Web UI escaping")
struct WebEscapingTests {
    static let payload = "<script>alert(1)</script>"
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"

    /// Checks that `html` shows the payload escaped and never as markup.
    static func expectEscaped(_ html: String, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.contains("&lt;script&gt;"), "\(label): the text is shown", sourceLocation: sourceLocation)
        #expect(!html.contains("<script>alert"), "\(label): never as markup", sourceLocation: sourceLocation)
        #expect(!html.contains("<img src=x"), "\(label)", sourceLocation: sourceLocation)
        #expect(UIForms.count("<script", in: html) == 1, "\(label): only the UI's own script tag", sourceLocation: sourceLocation)
    }

    @Test func namesAndValuesInPages() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        // Stored directly: the APIs refuse such names, the pages must not rely on it. (Names are
        // `[a-z0-9-]` there, and route parameters are not percent-decoded, so a detail page is
        // reached by a plain name and shows the unsafe text of the records it links to.)
        let evil = try await fixtures.pipeline("p" + Self.payload)
        try await fixtures.execution("evil-1", of: evil, label: Self.payload, logs: ["log " + Self.payload],
                                     series: [1, 2], failure: "failed: " + Self.payload)
        try await fixtures.execution("evil-2", of: evil, label: "\"><script>alert(2)</script>", series: [3, 1])
        try await fixtures.deployment("d" + Self.payload, of: evil)
        try await fixtures.deployment("plain", of: evil)
        try await fixtures.pipeline("described", description: Self.payload + "<img src=x onerror=alert(1)>")
        let encodedPipeline = UIForms.escape("p" + Self.payload)
        try await server.test { client in
            let browser = try await client.signIn()
            let pages = ["", "executions", "executions/evil-1", "executions/evil-2", "compare?execution=evil-1&execution=evil-2",
                         "pipelines", "pipelines/described", "deployments", "deployments/plain",
                         "executions?pipeline=" + encodedPipeline]
            for path in pages {
                let response = try await browser.get(client, "/ui/w/default/" + path)
                #expect(response.status == .ok, "\(path): \(response.status) \(response.text)")
                Self.expectEscaped(response.text, path)
            }
            let execution = try await browser.get(client, "/ui/w/default/executions/evil-1").text
            #expect(execution.contains("<code class=\"value\">" + Self.escaped + "</code>"), "the input value")
            #expect(execution.contains("log " + Self.escaped + "</span>"), "the log line")
            #expect(execution.contains("failed: " + Self.escaped), "the failure message")
            #expect(execution.contains(#"<a href="/ui/w/default/pipelines/\#(encodedPipeline)">p\#(Self.escaped)</a>"#),
                    "the link's path is percent-encoded, its text escaped")
            let pipeline = try await browser.get(client, "/ui/w/default/pipelines/described").text
            #expect(pipeline.contains("<dt>Description</dt><dd>" + Self.escaped + "&lt;img src=x onerror=alert(1)&gt;</dd>"))
            let deployment = try await browser.get(client, "/ui/w/default/deployments/plain").text
            #expect(deployment.contains(#"<dt>Pipeline</dt><dd><a href="/ui/w/default/pipelines/\#(encodedPipeline)">p\#(Self.escaped)</a>"#))
            let deployments = try await browser.get(client, "/ui/w/default/deployments").text
            #expect(deployments.contains(">d" + Self.escaped + "</a>"))
            let compare = try await browser.get(client, "/ui/w/default/compare?execution=evil-1&execution=evil-2").text
            #expect(compare.contains("&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"), "quotes are escaped too")
            let executions = try await browser.get(client, "/ui/w/default/executions").text
            #expect(executions.contains("<option>p" + Self.escaped + "</option>"), "the filter's options")
            #expect(executions.contains("<option>d" + Self.escaped + "</option>"))
        }
    }

    @Test func dataStoreObjectPath() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let path = "x/" + Self.payload + ".txt"
            let uploaded = try await WebDataStoreTests.upload(client, browser, path: path, "boo", csrf: browser.csrf)
            #expect(uploaded.status == .created, "\(uploaded.text)")
            #expect(uploaded.headers[.contentType] == "application/json")
            // `</script>` holds a slash: the object is in folder `x/<script>alert(1)<`.
            let folder = try await browser.get(client, "/ui/w/default/data-store?path=x")
            #expect(folder.status == .ok)
            #expect(folder.text.contains(">&lt;script&gt;alert(1)&lt;/</a>"))
            Self.expectEscaped(folder.text, "folder x")
            let inner = try await browser.get(client, "/ui/w/default/data-store?path=" + UIForms.escape("x/<script>alert(1)<"))
            #expect(inner.status == .ok, "\(inner.text)")
            Self.expectEscaped(inner.text, "inner folder")
            #expect(inner.text.contains(#"<input type="hidden" name="path" value="x/\#(Self.escaped).txt">"#))
            #expect(inner.text.contains(#"aria-label="Delete x/\#(Self.escaped).txt""#))
            #expect(inner.text.contains(#"data-confirm="Delete x/\#(Self.escaped).txt?""#))
            #expect(inner.text.contains(#"href="/ui/w/default/data-store/file?path=\#(UIForms.escape(path))""#))
            #expect(inner.text.contains(#"data-folder="x/&lt;script&gt;alert(1)&lt;""#))
            // And it round-trips and deletes by that path.
            let download = try await browser.get(client, "/ui/w/default/data-store/file?path=" + UIForms.escape(path))
            #expect(download.status == .ok)
            #expect(download.text == "boo")
            #expect(try await browser.post(client, "/ui/w/default/data-store/delete", [("path", path)]).status == .seeOther)
            #expect(try await browser.get(client, "/ui/w/default/data-store/file?path=" + UIForms.escape(path)).status == .notFound)
        }
    }

    @Test func errorPagesAndSignInEscape() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let missing = try await browser.get(client, "/ui/w/default/executions/" + UIForms.escape(Self.payload))
            #expect(missing.status == .notFound)
            #expect(!missing.text.contains("<script>alert"))
            let badFilter = try await browser.get(client, "/ui/w/default/executions?status=" + UIForms.escape(Self.payload))
            #expect(badFilter.status == .badRequest)
            #expect(badFilter.text.contains("unknown status"))
            Self.expectEscaped(badFilter.text, "bad filter")
            // The user name typed into a refused sign-in is written back escaped.
            let form = try await client.signInForm()
            let refused = try await client.postSignIn(username: "\"><script>alert(1)</script>", password: "x", cookie: form.cookie,
                                                      field: form.field)
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("value=\"&quot;&gt;&lt;script&gt;"))
            Self.expectEscaped(refused.text, "sign-in")
            // A workspace name in the address never reaches the page as markup.
            let workspace = try await browser.get(client, "/ui/w/" + UIForms.escape(Self.payload) + "/")
            #expect(workspace.status == .notFound)
            #expect(!workspace.text.contains("<script>alert"))
        }
    }
}
