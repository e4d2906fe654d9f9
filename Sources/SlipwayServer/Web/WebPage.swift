import Foundation
import Hummingbird
import SlipwayCore

/// A signed-in request in a workspace the user is a member of: what every page's layout shows
/// (navigation, workspace switcher, sign-out form) and how its links are written.
struct WebPage: Sendable {
    let user: User
    let workspace: Workspace
    /// The workspaces the user is a member of, by name.
    let workspaces: [Workspace]
    let csrf: String

    /// `/ui/w/<workspace>`.
    var base: String { "/ui/w/" + WebPage.component(workspace.name) }

    var principal: Principal { Principal(userID: user.id, workspaceID: workspace.id, kind: .user) }

    func url(_ path: String) -> String { base + "/" + path }

    /// A path component, percent-encoded.
    static func component(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// A query string of the non-empty `items` (`?a=1&b=2`, or "" when none).
    static func query(_ items: [(String, String?)]) -> String {
        let parts = items.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return component(name) + "=" + component(value)
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }

    /// The sections of the main navigation, `current` marked.
    func navigation(current: String) -> [[String: Any]] {
        [("", "Overview"), ("executions", "Executions"), ("experiments", "Experiments"), ("pipelines", "Pipelines"), ("deployments", "Deployments"), ("models", "Models"), ("assays", "Drift"), ("monitored-models", "Monitoring"),
         ("workflows", "Workflows"), ("data-store", "Data store")].map { path, label in
            ["url": path.isEmpty ? base + "/" : url(path), "label": label, "current": path == current]
        }
    }

    /// The page `template` with `values` inside the layout.
    func render(_ template: String, title: String, section: String, values: [String: Any],
                breadcrumbs: [(label: String, url: String)] = [], status: HTTPResponse.Status = .ok) -> Response {
        var values = values
        values["csrf"] = csrf
        values["base"] = base
        let body = WebTemplates.render(template, values)
        let layout: [String: Any] = [
            "title": title, "body": body, "signedIn": true, "userName": user.name, "csrf": csrf,
            "nav": navigation(current: section),
            "workspaces": workspaces.map { ["name": $0.name, "current": $0.id == workspace.id] },
            "breadcrumbs": breadcrumbs.map { ["label": $0.label, "url": $0.url] },
        ]
        return WebResponse.html(WebTemplates.render("layout", layout), status: status)
    }

    /// Refuses a state-changing request whose CSRF token (form field or header) is not this
    /// session's.
    func checkCSRF(_ request: Request, form: [String: String] = [:]) throws {
        let given = form["csrf_token"] ?? request.headers[WebSession.csrfHeader]
        guard WebSession.matches(given, csrf) else {
            throw SlipwayError.forbidden("this form has expired or did not come from this site: reload the page and try again")
        }
    }
}
