import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// The browser session: a `slipway_session` cookie holding the secret of a session token
/// (`AccountService.signIn` through the UI's client id; only its hash is stored), and the CSRF
/// token derived from that secret, which forms send as `csrf_token` and scripts as
/// `X-CSRF-Token`. Before sign-in, the form is protected by a random double-submit cookie.
enum WebSession {
    static let cookieName = "slipway_session"
    static let signInCookieName = "slipway_sign_in"
    static let clientID = "slipway-ui"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The request's cookies by name (the first of a repeated name wins).
    static func cookies(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                if cookies[name] == nil { cookies[name] = parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return cookies
    }

    static func sessionSecret(_ request: Request) -> String? {
        cookies(request)[cookieName].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The CSRF token of a session: HMAC-SHA256 of a fixed label keyed by the session secret,
    /// so it cannot be made without the (HttpOnly) cookie and changes with every sign-in.
    static func csrfToken(session secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("slipway-ui-csrf".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `given` equals `expected`, in time independent of where they differ.
    static func matches(_ given: String?, _ expected: String) -> Bool {
        guard let given, !expected.isEmpty else { return false }
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, on `/ui`, Secure over TLS; `maxAge`
    /// 0 removes the cookie.
    static func setCookie(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var parts = ["\(name)=\(value)", "Path=/ui", "HttpOnly", "SameSite=Strict"]
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    /// Whether the browser reached the server over TLS (directly or through a proxy that says so).
    static func isSecure(_ request: Request, configuration: ServerConfiguration) -> Bool {
        if request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https" { return true }
        return configuration.publicURL?.lowercased().hasPrefix("https://") ?? false
    }

    /// A path to come back to after signing in: only a path of the UI itself.
    static func safeNext(_ next: String?) -> String {
        let path = next.map { $0.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? $0 }
        guard let next, let path, next.hasPrefix("/ui/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://"),
              !path.contains("/."), !path.lowercased().contains("%2e"), !path.lowercased().contains("%2f"),
              next.utf8.count <= 2048, !next.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/ui" }
        return next
    }
}

/// Raised when a page needs a signed-in user: the UI answers with the sign-in page's address.
struct WebSignInRequired: Error {
    let next: String
}
