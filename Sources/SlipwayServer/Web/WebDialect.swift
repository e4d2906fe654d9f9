import Foundation
import Hummingbird
import Logging
import SlipwayCore

/// The web UI at `/ui`: server-rendered pages over the core services, signed in with the
/// same users and passwords as the APIs (a session cookie; CSRF tokens on every form and
/// state-changing call). It translates like any dialect: every rule is a core service's.
struct WebDialect: Dialect {
    static let pathPrefixes = ["/ui"]
    /// The largest form body a page accepts (uploads go through their own route).
    static let maxFormBytes = 64 * 1024

    let services: DialectServices
    var core: CoreServices { services.core }

    init(_ services: DialectServices) {
        self.services = services
    }

    func register(on router: Router<SlipwayRequestContext>) {
        router.get("/") { request, _ -> Response in
            guard request.headers[.accept]?.contains("text/html") == true else { throw HTTPError(.notFound) }
            return WebResponse.redirect("/ui")
        }
        router.get("ui/assets/:name") { _, context -> Response in
            try WebAssets.response(named: try Self.parameter(context, "name"))
        }
        registerSignIn(on: router)
        let group = router.group("ui/w/:workspace")
        registerOverview(on: group)
        registerExecutions(on: group)
        registerCompare(on: group)
        registerPipelines(on: group)
        registerDeployments(on: group)
        registerDataStore(on: group)
        registerWorkflows(on: group)
        registerModels(on: group)
        registerAssays(on: group)
        registerExperiments(on: group)
        registerMonitoring(on: group)
    }

    /// The signed-in user's page context in the workspace the route names; a request without a
    /// live session is sent to sign in, a workspace the user is not a member of is a 404.
    func page(_ request: Request, _ context: SlipwayRequestContext) async throws -> WebPage {
        let name = try Self.parameter(context, "workspace")
        guard let secret = WebSession.sessionSecret(request),
              let (user, _) = try await core.accounts.sessionUser(refreshToken: secret, clientID: WebSession.clientID) else {
            // A script's call (an upload, a log poll) gets a 401 it can report, not a sign-in page.
            let fromScript = request.method != .get || request.headers[WebSession.csrfHeader] != nil
                || request.headers[.accept]?.contains("application/json") == true
            if fromScript { throw SlipwayError.unauthorized("your session has ended: sign in again") }
            throw WebSignInRequired(next: request.uri.description)
        }
        let workspaces = try await memberships(of: user)
        guard let workspace = workspaces.first(where: { $0.name == name }) else {
            throw SlipwayError.notFound("workspace", name)
        }
        return WebPage(user: user, workspace: workspace, workspaces: workspaces, csrf: WebSession.csrfToken(session: secret))
    }

    /// The workspaces `user` is a member of, by name.
    func memberships(of user: User) async throws -> [Workspace] {
        var workspaces: [Workspace] = []
        for id in try await core.accounts.workspaceIDs(of: user.id) {
            if let workspace = try await core.accounts.workspace(id: id), !workspace.isArchived { workspaces.append(workspace) }
        }
        return workspaces.sorted { $0.name < $1.name }
    }

    /// A route parameter, percent-decoded (links are written with `WebPage.component`).
    static func parameter(_ context: SlipwayRequestContext, _ name: String) throws -> String {
        let raw = try context.parameters.require(name)
        guard let decoded = raw.removingPercentEncoding else { throw SlipwayError.badRequest("\(name) is not valid percent-encoding") }
        return decoded
    }

    /// The urlencoded body of a form post, by field name (the first of a repeated name).
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: maxFormBytes)
        var fields: [String: String] = [:]
        for (name, value) in try URLEncodedForm.parse(buffer.readableBytesView, maxFields: 200) where fields[name] == nil {
            fields[name] = value
        }
        return fields
    }

    static func errorResponse(for error: any Error, requestID: String, logger: Logger) -> Response {
        if let signIn = error as? WebSignInRequired {
            return WebResponse.redirect("/ui/sign-in" + WebPage.query([("next", signIn.next)]))
        }
        let described = ServerError(error, requestID: requestID, logger: logger)
        let heading = switch described.status.code {
        case 404: "Not found"
        case 403: "Not allowed"
        case 401: "Sign-in required"
        case 400...499: "This request cannot be done"
        default: "Something went wrong"
        }
        let body = WebTemplates.render("error", ["heading": heading, "message": described.message])
        let page = WebTemplates.render("layout", ["title": heading, "body": body, "signedIn": false])
        return WebResponse.html(page, status: described.status, headers: [.init("x-request-id")!: requestID])
    }
}
