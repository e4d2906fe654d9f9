import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// Every page of a workspace rendered over HTTP from records in the store: status, key content, headers.
@Suite("Web UI pages")
struct WebPagesTests {
    static let base = "/ui/w/default/"

    /// A server with a pipeline `train`, two executions (one failed) and a deployment `scorer`.
    static func populated() async throws -> (TestServer, UIFixtures) {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let train = try await fixtures.pipeline("train", description: "Trains the model")
        try await fixtures.execution("train-ok", of: train, label: "first", accuracy: 0.9,
                                     logs: ["loading data", "epoch 1 done", "epoch 2 done"], series: [0.9, 0.5, 0.25])
        try await fixtures.execution("train-bad", of: train, status: .failed, label: "second", accuracy: 0.4,
                                     series: [1, 0.8], failure: "ValueError: learning rate too high")
        try await fixtures.deployment("scorer", of: train)
        try await fixtures.execution("scorer-run", of: train, label: "served", deployment: "scorer", logs: [])
        return (server, fixtures)
    }

    @Test func everyPageCarriesSecurityHeaders() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            for path in ["", "executions", "executions/train-ok", "compare?execution=train-ok&execution=train-bad", "pipelines",
                         "pipelines/train", "deployments", "deployments/scorer", "data-store", "workflows"] {
                let response = try await browser.get(client, Self.base + path)
                #expect(response.status == .ok, "\(path): \(response.status) \(response.text)")
                Self.expectSecurityHeaders(response, path)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(response.text.hasPrefix("<!DOCTYPE html>"), "\(path)")
                #expect(response.text.contains(#"<html lang="en">"#))
                #expect(UIForms.hiddenValue("csrf_token", in: response.text) == browser.csrf, "\(path): sign-out form")
            }
            // The sign-in page, redirects and error pages too.
            Self.expectSecurityHeaders(try await client.execute(uri: "/ui/sign-in", method: .get), "sign-in")
            Self.expectSecurityHeaders(try await client.execute(uri: Self.base, method: .get), "redirect")
            Self.expectSecurityHeaders(try await browser.get(client, Self.base + "executions/nope"), "404")
        }
    }

    static func expectSecurityHeaders(_ response: TestResponse, _ label: String) {
        let policy = response.headers[.init("Content-Security-Policy")!] ?? ""
        #expect(policy.contains("script-src 'self'"), "\(label): \(policy)")
        #expect(policy.contains("frame-ancestors 'none'"), "\(label)")
        #expect(!policy.contains("unsafe-inline"), "\(label)")
        #expect(response.headers[.init("X-Frame-Options")!] == "DENY", "\(label)")
        #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(label)")
        #expect(response.headers[.cacheControl] == "no-store", "\(label)")
    }

    @Test func overview() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base)
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<title>default · Slipway</title>"))
            #expect(html.contains("<h1>default</h1>"))
            #expect(html.contains(#"<a href="/ui/w/default/" aria-current="page">Overview</a>"#))
            #expect(html.contains(#"<span class="number">3</span> <span class="label">executions</span>"#))
            #expect(html.contains(#"<span class="number">1</span> <span class="label">failed</span>"#))
            #expect(html.contains(#"<span class="number">1</span> <span class="label">pipelines</span>"#))
            #expect(html.contains(#"<span class="number">1</span> <span class="label">deployments</span>"#))
            #expect(html.contains(#"href="/ui/w/default/executions?status=failed""#))
            #expect(html.contains(#"<a href="/ui/w/default/executions/train-ok">train-ok</a>"#))
            #expect(html.contains(#"<a href="/ui/w/default/deployments/scorer">scorer</a>"#))
            #expect(html.contains("last execution succeeded"))
        }
    }

    @Test func overviewOfEmptyWorkspace() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let html = try await browser.get(client, Self.base).text
            #expect(html.contains(#"<span class="number">0</span> <span class="label">executions</span>"#))
            #expect(html.contains("No execution yet. Create a pipeline"))
            #expect(html.contains("No deployment."))
            #expect(!html.contains("<table"))
        }
    }

    @Test func executionsListFiltersAndSorts() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            let all = try await browser.get(client, Self.base + "executions")
            #expect(all.status == .ok)
            #expect(all.text.contains("<h1>Executions</h1>"))
            #expect(all.text.contains(#"<a href="/ui/w/default/executions" aria-current="page">Executions</a>"#))
            for id in ["train-ok", "train-bad", "scorer-run"] {
                #expect(all.text.contains(#"<a href="/ui/w/default/executions/\#(id)">\#(id)</a>"#), "\(id)")
                #expect(all.text.contains(#"id="pick-\#(id)""#), "\(id) can be compared")
            }
            #expect(all.text.contains(#"<span class="badge bad">failed</span>"#))
            #expect(all.text.contains(#"<span class="badge ok">succeeded</span>"#))
            #expect(all.text.contains(#"<form method="get" action="/ui/w/default/compare" id="compare-form""#))
            #expect(all.text.contains("1–3 of 3"))
            #expect(all.text.contains(#"aria-sort="descending""#), "newest first by default")

            let failed = try await browser.get(client, Self.base + "executions?status=failed")
            #expect(failed.status == .ok)
            #expect(failed.text.contains(">train-bad</a>"))
            #expect(!failed.text.contains(">train-ok</a>"))
            #expect(failed.text.contains("<option selected>failed</option>"))

            let byDeployment = try await browser.get(client, Self.base + "executions?deployment=scorer")
            #expect(byDeployment.text.contains(">scorer-run</a>"))
            #expect(!byDeployment.text.contains(">train-bad</a>"))

            let none = try await browser.get(client, Self.base + "executions?pipeline=other")
            #expect(none.text.contains("No execution matches these filters."))

            let ascending = try await browser.get(client, Self.base + "executions?sort=status&order=asc")
            #expect(ascending.status == .ok)
            #expect(ascending.text.contains(#"aria-sort="ascending""#))

            for bad in ["status=bogus", "trigger=bogus", "sort=bogus", "from=2024-13-01"] {
                let response = try await browser.get(client, Self.base + "executions?" + bad)
                #expect(response.status == .badRequest, "\(bad)")
                #expect(response.text.contains(#"role="alert""#), "\(bad)")
            }
        }
    }

    @Test func executionsListEmpty() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "executions")
            #expect(page.status == .ok)
            #expect(page.text.contains("No execution yet. Run a pipeline"))
            #expect(!page.text.contains("compare-form\""))
        }
    }

    @Test func executionPage() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "executions/train-ok")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<title>Execution train-ok · Slipway</title>"))
            #expect(html.contains("<h1>Execution <code>train-ok</code></h1>"))
            #expect(html.contains(#"<span class="badge ok" id="execution-status">succeeded</span>"#))
            #expect(html.contains(#"<a href="/ui/w/default/pipelines/train">train</a>"#))
            #expect(html.contains(#"<nav aria-label="Breadcrumb" class="crumbs">"#))
            #expect(html.contains("by admin"))
            #expect(html.contains(#"action="/ui/w/default/executions/train-ok/rerun""#))
            // Inputs, outputs, metrics, the series chart, logs and environment.
            #expect(html.contains(#"<th scope="row">label</th><td>string</td><td>given to the run</td><td><code class="value">first</code>"#))
            #expect(html.contains(#"<td>constant</td><td><code class="value">0.1</code>"#))
            #expect(html.contains(#"<th scope="row">accuracy</th><td>number</td><td>returned to the caller</td><td><code class="value">0.9</code>"#))
            #expect(html.contains(#"<th scope="row">accuracy</th><td>0.9</td>"#))
            #expect(html.contains(#"data-metric="loss""#))
            #expect(UIForms.count("<circle ", in: html) == 3)
            #expect(html.contains("epoch 2 done</span>"))
            #expect(html.contains(#"data-count="3""#))
            #expect(html.contains(#"data-log-src="/ui/w/default/executions/train-ok/logs.json""#))
            #expect(html.contains("<dt>Function</dt><dd><code>src/main.py:train</code></dd>"))
            #expect(html.contains("<dt>Code hash (SHA-256)</dt><dd><code>0123abcd</code></dd>"))
            #expect(!html.contains(#"<p role="alert""#))

            let failed = try await browser.get(client, Self.base + "executions/train-bad")
            #expect(failed.text.contains(#"<p role="alert" class="alert">ValueError: learning rate too high</p>"#))
            #expect(failed.text.contains(#"<span class="badge bad" id="execution-status">failed</span>"#))

            let served = try await browser.get(client, Self.base + "executions/scorer-run")
            #expect(served.text.contains(#"<a href="/ui/w/default/deployments/scorer">scorer</a>"#))
            #expect(served.text.contains("No log line"))

            let missing = try await browser.get(client, Self.base + "executions/nope")
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("<h1>Not found</h1>"))
        }
    }

    @Test func executionFilesDownload() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let (pipeline, step) = try await fixtures.pipeline("files")
        func blob(_ text: String) async throws -> String {
            let writer = try await server.app.platform.blobs.makeWriter()
            try await writer.write(Data(text.utf8))
            return try await writer.commit().key
        }
        let execution = Execution(id: "files-1", workspaceID: fixtures.workspace.id, pipelineID: pipeline.id, pipelineName: "files",
                                  stepID: step.id, deploymentName: nil, trigger: .run, status: .succeeded, createdAt: Date(),
                                  createdBy: fixtures.admin.id)
        try await fixtures.store.insertExecution(execution, inputs: [
            ExecutionInput(name: "data", dataType: .file, source: .dataStore(path: "in/data.csv"), value: nil,
                           fileBlob: try await blob("a,b\n1,2\n"), fileName: "data.csv"),
        ], outputs: [ExecutionOutput(name: "report", dataType: .file, destination: .run, fileBlob: try await blob("all good"),
                                     fileName: "report.txt"),
                     ExecutionOutput(name: "score", dataType: .number, destination: .run, value: .number(3))])
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "executions/files-1")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<td>data store in/data.csv</td><td><a href="/ui/w/default/executions/files-1/files/inputs/data" download>data.csv</a>"#))
            #expect(page.text.contains(#"<a href="/ui/w/default/executions/files-1/files/outputs/report" download>report.txt</a>"#))
            #expect(page.text.contains("No log line."), "a finished execution without logs")
            #expect(page.text.contains("No metric."))

            let input = try await browser.get(client, Self.base + "executions/files-1/files/inputs/data")
            #expect(input.status == .ok)
            #expect(input.text == "a,b\n1,2\n")
            #expect(input.headers[.contentDisposition]?.contains("data.csv") == true)
            #expect(input.headers[.cacheControl] == "no-store")
            let output = try await browser.get(client, Self.base + "executions/files-1/files/outputs/report")
            #expect(output.status == .ok)
            #expect(output.text == "all good")
            for missing in ["files/outputs/score", "files/outputs/nope", "files/elsewhere/data", "files/outputs/data"] {
                #expect(try await browser.get(client, Self.base + "executions/files-1/" + missing).status == .notFound, "\(missing)")
            }
            let anonymous = try await client.execute(uri: Self.base + "executions/files-1/files/inputs/data", method: .get)
            #expect(anonymous.status == .seeOther)
        }
    }

    @Test func executionLogsJSON() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            let response = try await browser.get(client, Self.base + "executions/train-ok/logs.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let json = try response.json()
            let lines = try #require(json["lines"]?.arrayValue)
            #expect(lines.compactMap { $0["message"]?.stringValue } == ["loading data", "epoch 1 done", "epoch 2 done"])
            #expect(lines.first?["stream"] == .string("stdout"))
            #expect(lines.first?["at"]?.stringValue?.hasSuffix("Z") == true)
            #expect(json["status"] == .string("succeeded"))
            #expect(json["statusClass"] == .string("ok"))
            #expect(json["final"] == .bool(true))

            let later = try await browser.get(client, Self.base + "executions/train-ok/logs.json?from=2").json()
            #expect(later["lines"]?.arrayValue?.compactMap { $0["message"]?.stringValue } == ["epoch 2 done"])

            #expect(try await browser.get(client, Self.base + "executions/nope/logs.json").status == .notFound)
            let anonymous = try await client.execute(uri: Self.base + "executions/train-ok/logs.json", method: .get)
            #expect(anonymous.status == .seeOther || anonymous.status == .unauthorized, "\(anonymous.status)")
            #expect(!anonymous.text.contains("epoch"))
        }
    }

    @Test func comparePage() async throws {
        let (server, _) = try await Self.populated()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "compare?execution=train-ok&execution=train-bad")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Comparison</h1>"))
            #expect(html.contains(#"<th scope="col"><a href="/ui/w/default/executions/train-ok">train-ok</a></th>"#))
            #expect(html.contains(#"<th scope="col"><a href="/ui/w/default/executions/train-bad">train-bad</a></th>"#))
            #expect(html.contains(#"<th scope="rowgroup" colspan="3">Inputs</th>"#))
            // Differing fields are marked; equal ones are not.
            #expect(html.contains(#"<tr data-differs="true" class="differs"><th scope="row">label</th><td data-differs="true">first</td><td data-differs="true">second</td></tr>"#))
            #expect(html.contains(#"<tr><th scope="row">learning_rate</th><td>0.1</td><td>0.1</td></tr>"#))
            #expect(html.contains(#"<th scope="row">status</th><td data-differs="true">succeeded</td><td data-differs="true">failed</td>"#))
            // One chart for the series, both executions overlaid with a legend.
            #expect(UIForms.count(#"data-metric="loss""#, in: html) == 1)
            #expect(html.contains(#"<g data-series="train-ok">"#))
            #expect(html.contains(#"<g data-series="train-bad">"#))
            #expect(UIForms.count("<circle ", in: html) == 5)

            let single = try await browser.get(client, Self.base + "compare?execution=train-ok")
            #expect(single.status == .ok)
            #expect(single.text.contains("Pick two or more executions"))
            #expect(!single.text.contains("<table class=\"compare\">"))

            let tooMany = (0...WebDialect.maxCompared).map { _ in "execution=train-ok" }.joined(separator: "&")
            #expect(try await browser.get(client, Self.base + "compare?" + tooMany).status == .badRequest)
            #expect(try await browser.get(client, Self.base + "compare?execution=train-ok&execution=nope").status == .notFound)
        }
    }

    @Test func pipelinesAndPipelinePage() async throws {
        let (server, fixtures) = try await Self.populated()
        let (_, step) = try await fixtures.pipeline("empty-pipeline")
        // Installed code for the viewer.
        let code = server.app.platform.bundles.codeDirectory(stepID: step.id)
        try FileManager.default.createDirectory(at: code.appendingPathComponent("src"), withIntermediateDirectories: true)
        try Data("def train(learning_rate, label):\n    return {\"accuracy\": 1 < 2}\n".utf8)
            .write(to: code.appendingPathComponent("src/main.py"))
        try Data("numpy\n".utf8).write(to: code.appendingPathComponent("requirements.txt"))
        try await server.test { client in
            let browser = try await client.signIn()
            let list = try await browser.get(client, Self.base + "pipelines")
            #expect(list.status == .ok)
            #expect(list.text.contains("<h1>Pipelines</h1>"))
            #expect(list.text.contains(#"<td><a href="/ui/w/default/pipelines/train">train</a></td><td>train-step</td><td><span class="badge ok">ready</span></td><td>learning_rate, label</td><td>accuracy</td>"#))
            #expect(list.text.contains(#"<a href="/ui/w/default/pipelines/empty-pipeline">empty-pipeline</a>"#))

            let page = try await browser.get(client, Self.base + "pipelines/train")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Pipeline train</h1>"))
            #expect(html.contains("<dt>Description</dt><dd>Trains the model</dd>"))
            #expect(html.contains(#"<a href="/ui/w/default/executions?pipeline=train">3 executions</a>"#))
            #expect(html.contains(#"<th scope="row">learning_rate</th><td>number</td><td>no</td><td><code>0.1</code></td>"#))
            #expect(html.contains(#"<th scope="row">label</th><td>string</td><td>yes</td>"#))
            #expect(html.contains(#"<th scope="row">accuracy</th><td>number</td>"#))
            #expect(html.contains("<dt>Requirements</dt><dd><code>requirements.txt</code></dd>"))
            #expect(html.contains("The code of this step is not installed on this node."))
            #expect(!html.contains("<svg class=\"dag\""), "a one-step pipeline has no graph")

            let withCode = try await browser.get(client, Self.base + "pipelines/empty-pipeline")
            #expect(withCode.status == .ok)
            #expect(withCode.text.contains(#"<a href="/ui/w/default/pipelines/empty-pipeline?file=src%2Fmain.py#code-h" aria-current="true">src/main.py</a> <span class="size">64 B</span>"#),
                    "the file shown by default is marked current")
            #expect(withCode.text.contains(#"<a href="/ui/w/default/pipelines/empty-pipeline?file=requirements.txt#code-h">requirements.txt</a>"#))
            #expect(withCode.text.contains("<figcaption><code>src/main.py</code></figcaption>"), "the function's file by default")
            #expect(withCode.text.contains("return {&quot;accuracy&quot;: 1 &lt; 2}"), "shown escaped")
            let other = try await browser.get(client, Self.base + "pipelines/empty-pipeline?file=requirements.txt")
            #expect(other.text.contains(#"<pre class="code" tabindex="0">numpy"#))
            #expect(other.text.contains(#"?file=requirements.txt#code-h" aria-current="true">requirements.txt</a>"#))
            #expect(!other.text.contains("def train"))
            let outside = try await browser.get(client, Self.base + "pipelines/empty-pipeline?file=..%2F..%2F..%2Fetc%2Fpasswd")
            #expect(outside.status == .ok)
            #expect(outside.text.contains("No such file in the code archive."))
            #expect(!outside.text.contains("root:"))

            let missing = try await browser.get(client, Self.base + "pipelines/nope")
            #expect(missing.status == .notFound)
        }
    }

    @Test func pipelinesEmpty() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "pipelines")
            #expect(page.status == .ok)
            #expect(page.text.contains("No pipeline yet."))
        }
    }

    @Test func deploymentsAndDeploymentPage() async throws {
        let (server, fixtures) = try await Self.populated()
        let train = try await server.app.core.pipelines.get(workspaceID: fixtures.workspace.id, name: "train")
        try await fixtures.deployment("nightly", of: train, rule: .periodic)
        try await server.test { client in
            let browser = try await client.signIn()
            let list = try await browser.get(client, Self.base + "deployments")
            #expect(list.status == .ok)
            #expect(list.text.contains("<h1>Deployments</h1>"))
            #expect(list.text.contains(#"<td><a href="/ui/w/default/deployments/scorer">scorer</a></td><td>train</td><td>endpoint</td><td>elastic</td><td><span class="badge ok">ready</span></td><td>yes</td><td><a href="/ui/w/default/executions/scorer-run">succeeded</a>"#))
            #expect(list.text.contains(#"<a href="/ui/w/default/deployments/nightly">nightly</a></td><td>train</td><td>periodic</td>"#))
            #expect(list.text.contains("<td>none</td>"), "nightly never ran")

            let page = try await browser.get(client, Self.base + "deployments/scorer")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<h1>Deployment scorer</h1>"))
            #expect(html.contains("<dt>Trigger</dt><dd>endpoint <code>scorer</code></dd>"))
            #expect(html.contains(#"<form method="post" action="/ui/w/default/deployments/scorer/enabled""#))
            #expect(html.contains(#"<input type="hidden" name="enabled" value="false"><button type="submit">Disable</button>"#))
            #expect(html.contains(#"<form method="post" action="/ui/w/default/deployments/scorer/token""#))
            #expect(html.contains(#"<a href="/ui/w/default/executions/scorer-run">scorer-run</a>"#))
            #expect(html.contains(#"<a href="/ui/w/default/executions?deployment=scorer">All executions of this deployment</a>"#))
            #expect(html.contains("Latency (ms) of the last 1 finished executions"))
            #expect(html.contains("<figcaption>Executions per minute</figcaption><svg class=\"chart\""))
            #expect(!html.contains("New endpoint token"))
            let token = try #require(server.app.core.deployments.endpointToken(of: try await fixtures.storedDeployment("scorer")))
            #expect(!html.contains(token), "the endpoint token is not on the page")

            let periodic = try await browser.get(client, Self.base + "deployments/nightly")
            #expect(periodic.text.contains("<dd>periodic <code>*/5 * * * *</code></dd>"))
            #expect(!periodic.text.contains("rotate-token"), "no endpoint, no token")
            #expect(periodic.text.contains("No finished execution yet"))
            #expect(periodic.text.contains("<p class=\"empty\">No execution yet.</p>"))

            #expect(try await browser.get(client, Self.base + "deployments/nope").status == .notFound)
        }
    }

    @Test func deploymentsEmpty() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let page = try await browser.get(client, Self.base + "deployments")
            #expect(page.status == .ok)
            #expect(page.text.contains("No deployment. Deploy a pipeline"))
        }
    }

    @Test func workflowsPage() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        try await server.test { client in
            let browser = try await client.signIn()
            let empty = try await browser.get(client, Self.base + "workflows")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("<h1>Workflows</h1>"))
            #expect(empty.text.contains("No file pipeline."))
            #expect(empty.text.contains("No workflow has run yet."))

            let now = Date()
            let pipeline = FilePipeline(id: "fp-1", workspaceID: fixtures.workspace.id, name: "ingest-csv", description: "d",
                                        packageID: "pkg-unknown", config: [:], condition: .path(try GlobPattern("raw/*.csv")),
                                        enabled: false, enabledAt: now, createdBy: fixtures.admin.id, createdAt: now)
            try await fixtures.store.insertFilePipeline(pipeline)
            #expect(try await fixtures.store.insertFileWorkflow(FileWorkflow(
                id: "wf-1", pipelineID: "fp-1", workspaceID: fixtures.workspace.id, filePath: "raw/a.csv", fileVersion: "v1",
                status: .failed, steps: [FileWorkflowStep(id: "parse", status: .succeeded, runID: "run-parse"),
                                         FileWorkflowStep(id: "load", status: .failed)],
                createdAt: now)))

            let page = try await browser.get(client, Self.base + "workflows")
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<td>ingest-csv</td><td>pkg-unknown</td>"))
            #expect(html.contains("raw/*.csv"))
            #expect(html.contains("<td>no</td>"))
            #expect(html.contains("<td><code>wf-1</code></td><td>ingest-csv</td><td>raw/a.csv</td><td><span class=\"badge bad\">failed</span></td>"))
            #expect(html.contains(#"<span class="badge ok">parse: succeeded</span> <a href="/ui/w/default/executions/run-parse">execution</a>"#))
            #expect(html.contains(#"<span class="badge bad">load: failed</span></li>"#))
        }
    }

    @Test func assetsAndWorkspaceSwitch() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let css = try await client.execute(uri: "/ui/assets/style.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            let script = try await client.execute(uri: "/ui/assets/ui.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.contains("javascript") == true)
            #expect(try await client.execute(uri: "/ui/assets/nope.js", method: .get).status == .notFound)
            let switched = try await client.execute(uri: "/ui/switch?workspace=team%20a", method: .get)
            #expect(switched.status == .seeOther)
            #expect(switched.headers[.location] == "/ui/w/team%20a/")
        }
    }
}
