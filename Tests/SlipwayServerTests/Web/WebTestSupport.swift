import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer
import SlipwayApp

/// A signed-in browser of the web UI: its `slipway_session` cookie and the CSRF token its pages carry.
struct UIBrowser: Sendable {
    let cookie: String
    let csrf: String

    var cookieHeader: String { "\(WebSession.cookieName)=\(cookie)" }

    func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookieHeader])
    }

    /// A form post; `csrf` false leaves the token out, a string sends that one instead.
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)] = [],
              csrf: CSRF = .page) async throws -> TestResponse {
        var all = fields
        switch csrf {
        case .page: all.append(("csrf_token", self.csrf))
        case .none: break
        case .given(let token): all.append(("csrf_token", token))
        }
        return try await client.execute(uri: uri, method: .post,
                                        headers: [.cookie: cookieHeader, .contentType: "application/x-www-form-urlencoded"],
                                        body: ByteBuffer(string: UIForms.encode(all)))
    }

    enum CSRF: Sendable {
        case page, none
        case given(String)
    }
}

/// Reading pages and answers of the UI.
enum UIForms {
    /// `application/x-www-form-urlencoded` of `fields` (everything but unreserved characters escaped).
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    /// A query or form component: only unreserved characters left as they are.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    /// The `value` of the first hidden input named `name` in `html`.
    static func hiddenValue(_ name: String, in html: String) -> String? {
        guard let field = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = html[field.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The `Set-Cookie` headers of a response.
    static func setCookies(_ response: TestResponse) -> [String] {
        response.headers[values: .setCookie]
    }

    /// The `Set-Cookie` header that sets `name`.
    static func setCookie(_ name: String, in response: TestResponse) -> String? {
        setCookies(response).first { $0.hasPrefix(name + "=") }
    }

    /// The value a `Set-Cookie` header gives its cookie.
    static func cookieValue(_ header: String) -> String {
        let pair = header.split(separator: ";", maxSplits: 1).first.map(String.init) ?? header
        return String(pair.split(separator: "=", maxSplits: 1).dropFirst().first ?? "")
    }

    /// How many times `needle` occurs in `text`.
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}

extension TestClientProtocol {
    /// The sign-in page's double-submit token: the `slipway_sign_in` cookie and the form's hidden field.
    func signInForm(next: String? = nil) async throws -> (cookie: String, field: String) {
        let uri = "/ui/sign-in" + (next.map { "?next=" + UIForms.escape($0) } ?? "")
        let page = try await execute(uri: uri, method: .get)
        #expect(page.status == .ok)
        let header = try #require(UIForms.setCookie(WebSession.signInCookieName, in: page), "\(UIForms.setCookies(page))")
        let field = try #require(UIForms.hiddenValue("csrf_token", in: page.text))
        return (UIForms.cookieValue(header), field)
    }

    /// Posts the sign-in form with the given token cookie and field (nil leaves either out).
    func postSignIn(username: String, password: String, cookie: String?, field: String?, next: String = "/ui") async throws
        -> TestResponse {
        var fields = [("username", username), ("password", password), ("next", next)]
        if let field { fields.append(("csrf_token", field)) }
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = "\(WebSession.signInCookieName)=\(cookie)" }
        return try await execute(uri: "/ui/sign-in", method: .post, headers: headers, body: ByteBuffer(string: UIForms.encode(fields)))
    }

    /// Signs in through the form and reads the session's CSRF token from a page.
    func signIn(username: String = AccountService.adminUserName, password: String = TestServer.adminPassword,
                workspace: String = AccountService.defaultWorkspaceName) async throws -> UIBrowser {
        let form = try await signInForm()
        let response = try await postSignIn(username: username, password: password, cookie: form.cookie, field: form.field)
        #expect(response.status == .seeOther, "\(response.text)")
        let header = try #require(UIForms.setCookie(WebSession.cookieName, in: response), "\(UIForms.setCookies(response))")
        let cookie = UIForms.cookieValue(header)
        #expect(!cookie.isEmpty)
        let page = try await execute(uri: "/ui/w/\(workspace)/", method: .get, headers: [.cookie: "\(WebSession.cookieName)=\(cookie)"])
        #expect(page.status == .ok, "\(page.text)")
        let csrf = try #require(UIForms.hiddenValue("csrf_token", in: page.text))
        return UIBrowser(cookie: cookie, csrf: csrf)
    }
}

/// Records written straight into a test server's store (no Python build), for the pages to show.
struct UIFixtures {
    let server: TestServer
    var store: any MetadataStore { server.app.platform.store }
    let workspace: Workspace
    let admin: User

    init(_ server: TestServer) async throws {
        self.server = server
        workspace = try #require(try await server.app.accounts.workspace(named: AccountService.defaultWorkspaceName))
        admin = try #require(try await server.app.platform.store.user(named: AccountService.adminUserName))
    }

    /// A ready step and the one-step pipeline `name` running it (names are not validated here).
    @discardableResult
    func pipeline(_ name: String, description: String? = nil) async throws -> (Pipeline, Step) {
        let now = Date()
        let inputs = [InputDefinition(name: "learning_rate", dataType: .number, isRequired: false, defaultValue: .number(0.1)),
                      InputDefinition(name: "label", dataType: .string)]
        let outputs = [OutputDefinition(name: "accuracy", dataType: .number)]
        let step = Step(id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: name + "-step",
                        functionPath: "src/main.py", functionName: "train", description: description, inputs: inputs,
                        outputs: outputs, containerConfig: ContainerConfig(language: "python:3.12", requirementsPath: "requirements.txt"),
                        status: .ready, ownerPipelineName: name, codeDigest: "0123abcd", archiveBlob: "blob-none",
                        environmentKey: "env-key-1", createdAt: now, createdBy: admin.id, updatedAt: now)
        try await store.insertStep(step)
        let pipeline = Pipeline(id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: name,
                                graph: .singleStep(nodeName: step.name, stepID: step.id, inputs: inputs, outputs: outputs),
                                ownsStep: true, createdAt: now, createdBy: admin.id)
        try await store.insertPipeline(pipeline)
        return (pipeline, step)
    }

    /// A finished execution of `pipeline` with inputs, an output, logs and metrics.
    @discardableResult
    func execution(_ id: String, of pipeline: (Pipeline, Step), status: ExecutionStatus = .succeeded,
                   label: String = "first", accuracy: Double = 0.9, deployment: String? = nil,
                   logs: [String] = ["epoch 1 done"], series: [Double] = [], failure: String? = nil) async throws -> Execution {
        let start = Date().addingTimeInterval(-5)
        let execution = Execution(id: id, workspaceID: workspace.id, pipelineID: pipeline.0.id, pipelineName: pipeline.0.name,
                                  stepID: pipeline.1.id, deploymentName: deployment, trigger: deployment == nil ? .run : .endpoint,
                                  status: status, createdAt: start, createdBy: admin.id, startedAt: start,
                                  endedAt: status.isFinal ? start.addingTimeInterval(1.5) : nil, failureMessage: failure)
        try await store.insertExecution(execution, inputs: [
            ExecutionInput(name: "learning_rate", dataType: .number, source: .constant(.number(0.1)), value: .number(0.1)),
            ExecutionInput(name: "label", dataType: .string, source: .run, value: .string(label)),
        ], outputs: [ExecutionOutput(name: "accuracy", dataType: .number, destination: .run, value: .number(accuracy))])
        if !logs.isEmpty {
            try await store.appendLogs(logs.enumerated().map {
                LogLine(timestamp: start.addingTimeInterval(Double($0.offset) / 10), stream: .stdout, message: $0.element)
            }, subject: .execution(id))
        }
        try await store.upsertMetric(workspaceID: workspace.id, MetricValue(
            name: "accuracy", value: accuracy, executionID: id, pipelineName: pipeline.0.name, deploymentName: deployment,
            createdAt: start))
        if !series.isEmpty {
            try await store.appendListMetric(workspaceID: workspace.id, ListMetric(
                name: "loss", values: series, executionID: id, pipelineName: pipeline.0.name, deploymentName: deployment,
                createdAt: start))
        }
        return execution
    }

    /// An elastic endpoint deployment `name` of `pipeline` (no worker to start).
    @discardableResult
    func deployment(_ name: String, of pipeline: (Pipeline, Step), rule: ExecutionRule = .endpoint) async throws -> Deployment {
        let token = "swe_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let deployment = Deployment(
            id: UUID().uuidString.lowercased(), workspaceID: workspace.id, name: name, pipelineID: pipeline.0.id,
            pipelineName: pipeline.0.name, stepID: pipeline.1.id, rule: rule, mode: .elastic, status: .ready,
            endpointPath: rule == .endpoint ? name : nil, endpointTokenHash: AccountService.hash(token),
            endpointTokenSealed: try server.app.platform.sealer.seal(token), schedule: rule == .periodic ? "*/5 * * * *" : nil,
            createdAt: Date(), createdBy: admin.id)
        try await store.insertDeployment(deployment)
        return deployment
    }

    /// The deployment as stored now.
    func storedDeployment(_ name: String) async throws -> Deployment {
        try #require(try await store.deployment(workspaceID: workspace.id, name: name))
    }
}
