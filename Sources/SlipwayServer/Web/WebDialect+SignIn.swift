import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerSignIn(on router: Router<SlipwayRequestContext>) {
        router.get("ui") { request, _ -> Response in
            guard let secret = WebSession.sessionSecret(request),
                  let (user, _) = try await core.accounts.sessionUser(refreshToken: secret, clientID: WebSession.clientID) else {
                return WebResponse.redirect("/ui/sign-in")
            }
            guard let first = try await memberships(of: user).first else {
                throw SlipwayError.forbidden("you are not a member of any workspace: ask an administrator to add you to one")
            }
            return WebResponse.redirect("/ui/w/" + WebPage.component(first.name) + "/")
        }
        router.get("ui/switch") { request, _ -> Response in
            let name = request.uri.queryParameters["workspace"].map(String.init) ?? ""
            return WebResponse.redirect("/ui/w/" + WebPage.component(name) + "/")
        }
        router.get("ui/sign-in") { request, _ -> Response in
            signInPage(request, next: request.uri.queryParameters["next"].map(String.init), error: nil, username: "")
        }
        router.post("ui/sign-in") { request, _ -> Response in
            let form = try await Self.form(request)
            let next = WebSession.safeNext(form["next"])
            guard let expected = WebSession.cookies(request)[WebSession.signInCookieName],
                  WebSession.matches(form["csrf_token"], expected) else {
                return signInPage(request, next: next, error: "This sign-in form has expired: please try again.",
                                  username: form["username"] ?? "", status: .forbidden)
            }
            let session: SignedInSession
            do {
                session = try await core.accounts.signIn(login: form["username"] ?? "", password: form["password"] ?? "",
                                                         clientID: WebSession.clientID, longLived: false)
            } catch let error as SlipwayError where error.kind == .unauthorized {
                let message = error.code == .accountDisabled ? "This account is disabled." : "Wrong user name or password."
                return signInPage(request, next: next, error: message, username: form["username"] ?? "", status: .unauthorized)
            }
            let secure = WebSession.isSecure(request, configuration: services.configuration)
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: WebSession.setCookie(
                WebSession.cookieName, session.refreshToken, secure: secure,
                maxAge: Int(AccountService.sessionTokenLifetime))))
            headers.append(HTTPField(name: .setCookie, value: WebSession.setCookie(
                WebSession.signInCookieName, "", secure: secure, maxAge: 0)))
            return WebResponse.redirect(next, headers: headers)
        }
        router.post("ui/sign-out") { request, _ -> Response in
            let form = try await Self.form(request)
            let secure = WebSession.isSecure(request, configuration: services.configuration)
            if let secret = WebSession.sessionSecret(request) {
                guard WebSession.matches(form["csrf_token"] ?? request.headers[WebSession.csrfHeader],
                                         WebSession.csrfToken(session: secret)) else {
                    throw SlipwayError.forbidden("this form has expired or did not come from this site: reload the page and try again")
                }
                try await core.accounts.signOut(refreshToken: secret, clientID: WebSession.clientID)
            }
            return WebResponse.redirect("/ui/sign-in", headers: [
                .setCookie: WebSession.setCookie(WebSession.cookieName, "", secure: secure, maxAge: 0)])
        }
    }

    /// The sign-in form with a fresh double-submit token (cookie and hidden field).
    func signInPage(_ request: Request, next: String?, error: String?, username: String,
                    status: HTTPResponse.Status = .ok) -> Response {
        let token = SecretTokens.make(prefix: "", bytes: 24)
        var values: [String: Any] = ["csrf": token, "next": WebSession.safeNext(next), "username": username]
        if let error { values["error"] = error }
        let body = WebTemplates.render("sign-in", values)
        let page = WebTemplates.render("layout", ["title": "Sign in", "body": body, "signedIn": false])
        let secure = WebSession.isSecure(request, configuration: services.configuration)
        return WebResponse.html(page, status: status, headers: [
            .setCookie: WebSession.setCookie(WebSession.signInCookieName, token, secure: secure, maxAge: 3600)])
    }
}
