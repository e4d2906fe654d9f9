import Foundation
import Testing

@testable import SlipwayServer

/// The session helpers: where sign-in may send the browser back to, CSRF tokens, cookies.
@Suite("Web UI session helpers")
struct WebSessionTests {
    @Test(arguments: ["//evil.com", "//evil.com/ui/", "http://evil", "https://evil.com/ui/w/x", "/api/v1/steps", "/ui",
                      "/uix/w", "/ui/w/x://evil", "/ui\\w", "/ui/w/x\\..\\..", "/ui/w/x\n", "/ui/w/\u{0}", "evil.com/ui/",
                      "javascript:alert(1)", "", "/ui/" + String(repeating: "a", count: 2050)])
    func safeNextRefuses(_ next: String) {
        #expect(WebSession.safeNext(next) == "/ui", "\(next.prefix(40))")
    }

    @Test(arguments: ["/ui/w/x/executions", "/ui/w/default/executions?status=failed&page=2", "/ui/w/team%20a/",
                      "/ui/w/x/data-store?path=a%2Fb"])
    func safeNextAccepts(_ next: String) {
        #expect(WebSession.safeNext(next) == next)
    }

    @Test func safeNextOfNothingIsTheStartPage() {
        #expect(WebSession.safeNext(nil) == "/ui")
    }

    @Test func csrfTokenIsStablePerSessionAndURLSafe() {
        let token = WebSession.csrfToken(session: "secret-one")
        #expect(token == WebSession.csrfToken(session: "secret-one"))
        #expect(token != WebSession.csrfToken(session: "secret-two"))
        #expect(token.count == 43, "SHA-256 in unpadded base64url")
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    @Test func matchesComparesWholeTokens() {
        #expect(WebSession.matches("abc", "abc"))
        #expect(!WebSession.matches("abd", "abc"))
        #expect(!WebSession.matches("ab", "abc"))
        #expect(!WebSession.matches("abcd", "abc"))
        #expect(!WebSession.matches(nil, "abc"))
        #expect(!WebSession.matches("", ""), "an empty expected token matches nothing")
    }

    @Test func setCookieAttributes() {
        let plain = WebSession.setCookie("slipway_session", "v", secure: false, maxAge: 60)
        #expect(plain == "slipway_session=v; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=60")
        let secure = WebSession.setCookie("slipway_session", "", secure: true, maxAge: 0)
        #expect(secure == "slipway_session=; Path=/ui; HttpOnly; SameSite=Strict; Secure; Max-Age=0")
    }
}

extension WebSessionTests {
    /// Dot segments (plain or encoded) would let a browser resolve the path outside `/ui`.
    @Test func safeNextRefusesDotSegments() {
        #expect(WebSession.safeNext("/ui/../api/v1/steps") == "/ui")
        #expect(WebSession.safeNext("/ui/%2e%2e/api/v1/steps") == "/ui")
        #expect(WebSession.safeNext("/ui/%2E%2E%2Fapi") == "/ui")
        #expect(WebSession.safeNext("/ui/w/x/executions?from=2026-01-01") == "/ui/w/x/executions?from=2026-01-01")
    }
}
