import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import SlipwayCore
@testable import SlipwayServer

/// The pages of models, model pipelines, drift, MLflow experiments and monitored models, made
/// through the core services: empty states, content, escaping, and workspaces kept apart.
@Suite("Web UI model and tracking pages")
struct WebModelPagesTests {
    static let base = "/ui/w/default/"

    @Test func emptyStatesSayWhatToDo() async throws {
        let server = try await TestServer()
        try await server.test { client in
            let browser = try await client.signIn()
            let expected = ["models": "No model. Upload one", "assays": "No assay.",
                            "monitored-models": "No monitored model.", "experiments": "Default"]
            for (path, text) in expected {
                let response = try await browser.get(client, Self.base + path)
                #expect(response.status == .ok, "\(path): \(response.text)")
                #expect(response.text.contains(text), "\(path)")
            }
            for path in ["models/nope", "model-pipelines/nope", "assays/nope", "monitored-models/nope", "experiments/12345"] {
                #expect(try await browser.get(client, Self.base + path).status == .notFound, "\(path)")
            }
        }
    }

    @Test func experimentRunsTableAndRunComparison() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let tracking = server.app.core.tracking
        let workspace = fixtures.workspace.id
        let experiment = try await tracking.createExperiment(workspaceID: workspace, name: "churn <b>v2</b>")
        var ids: [String] = []
        for (name, rate) in [("slow", "0.1"), ("fast", "0.9")] {
            let run = try await tracking.createRun(workspaceID: workspace, experimentID: experiment.id, userID: fixtures.admin.id,
                                                   name: name, startTime: 1_700_000_000_000, tags: [])
            let losses = rate == "0.1" ? [1.0, 0.9, 0.8] : [1.0, 0.5]
            try await tracking.log(workspaceID: workspace, runID: run.id, RunDataBatch(
                metrics: losses.enumerated().map { RunMetric(key: "loss", value: $0.element, timestamp: 1_700_000_000_000 + Int64($0.offset),
                                                             step: Int64($0.offset)) },
                params: [(key: "rate", value: rate), (key: "optimizer", value: "sgd")]))
            _ = try await tracking.updateRun(workspaceID: workspace, id: run.id, status: .finished,
                                             endTime: 1_700_000_002_000, name: nil)
            ids.append(run.id)
        }
        let runs = ids
        try await server.test { client in
            let browser = try await client.signIn()
            let list = try await browser.get(client, Self.base + "experiments")
            #expect(list.text.contains("churn &lt;b&gt;v2&lt;/b&gt;") && !list.text.contains("<b>v2"))
            let page = try await browser.get(client, Self.base + "experiments/" + experiment.id)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"<th scope="col">rate</th>"#) && page.text.contains(#"<th scope="col">loss</th>"#))
            #expect(page.text.contains(#"name="run" value="\#(runs[0])""#))
            #expect(page.text.contains("2.0 s"), "duration from start and end time")

            let compare = try await browser.get(client, Self.base + "compare?run=\(runs[0])&run=\(runs[1])")
            #expect(compare.status == .ok)
            #expect(compare.text.contains(#"<tr data-differs="true" class="differs"><th scope="row">rate</th>"#))
            #expect(compare.text.contains(#"<tr><th scope="row">optimizer</th>"#), "equal values are not marked")
            #expect(compare.text.contains(#"data-metric="loss""#))
            #expect(UIForms.count("<g data-series=", in: compare.text) == 2)
            #expect(UIForms.count("<circle", in: compare.text) == 5)
        }
    }

    @Test func modelPipelineWithoutStepsAndMonitoredModel() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let (pipeline, _) = try await server.app.core.modelPipelines.create(
            workspaceID: fixtures.workspace.id, userID: fixtures.admin.id, name: "fraud-pipeline",
            graph: PipelineGraph(nodes: [], edges: []))
        let monitored = try await server.app.core.monitoring.createModel(MonitoredModelDraft(
            partnerModelID: "credit-<i>risk</i>", displayName: "Credit risk", inputKind: .tabular, outputKind: .regression,
            attributes: [MonitoredAttribute(name: "income", valueType: .float, stage: .modelInput, position: 0),
                         MonitoredAttribute(name: "score", valueType: .float, stage: .predictedValue, position: 1)]),
            in: fixtures.workspace, by: fixtures.admin)
        try await server.test { client in
            let browser = try await client.signIn()
            let models = try await browser.get(client, Self.base + "models")
            #expect(models.text.contains(#"<a href="/ui/w/default/model-pipelines/\#(pipeline.id)">fraud-pipeline</a>"#))
            #expect(models.text.contains("not deployed"))
            let detail = try await browser.get(client, Self.base + "model-pipelines/" + pipeline.id)
            #expect(detail.status == .ok)
            #expect(detail.text.contains("This pipeline has no step yet"))
            #expect(detail.text.contains("Not deployed."))
            #expect(detail.text.contains("No inference logged yet"))
            let steps = try await browser.get(client, Self.base + "pipelines")
            #expect(!steps.text.contains("fraud-pipeline"), "model pipelines are listed with the models")

            let list = try await browser.get(client, Self.base + "monitored-models")
            #expect(list.text.contains("credit-&lt;i&gt;risk&lt;/i&gt;") && !list.text.contains("<i>risk"))
            let page = try await browser.get(client, Self.base + "monitored-models/" + monitored.id)
            #expect(page.status == .ok)
            #expect(page.text.contains("<dd>income, score</dd>"))
            #expect(page.text.contains("No inference ingested yet."))
        }
    }

    @Test func anotherWorkspacesRecordsAreNotShown() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let other = try await server.app.accounts.createWorkspace(named: "other-team")
        let (pipeline, _) = try await server.app.core.modelPipelines.create(
            workspaceID: other.id, userID: fixtures.admin.id, name: "theirs", graph: PipelineGraph(nodes: [], edges: []))
        try await server.test { client in
            let browser = try await client.signIn()
            #expect(try await browser.get(client, Self.base + "model-pipelines/" + pipeline.id).status == .notFound)
            #expect(!(try await browser.get(client, Self.base + "models")).text.contains("theirs"))
        }
    }

    @Test func assayScoreOverWindowsAndHistogram() async throws {
        let server = try await TestServer()
        let fixtures = try await UIFixtures(server)
        let workspace = fixtures.workspace.id
        let (pipeline, _) = try await server.app.core.modelPipelines.create(
            workspaceID: workspace, userID: fixtures.admin.id, name: "houses", graph: PipelineGraph(nodes: []))
        let t0 = Date(timeIntervalSince1970: 1_672_531_200)
        let assay = Assay(id: "assay-1", workspaceID: workspace, pipelineID: pipeline.id, name: "price <drift>", isActive: true,
                          feature: InferenceFeature(side: .output, name: "dense_2", element: 0),
                          baseline: .fixed(modelName: "house", start: t0, end: t0.addingTimeInterval(86_400)),
                          window: AssayWindowSpec(width: 86_400), summarizer: DriftSummarizer(), warningThreshold: 0.05,
                          alertThreshold: 0.1, runUntil: nil, createdAt: t0, createdBy: fixtures.admin.id)
        try await fixtures.store.insertAssay(assay)
        let values = [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        let baseline = try DriftEngine.baseline(values, summarizer: assay.summarizer)
        let results = (0..<3).map { window -> AssayResult in
            let summary = DriftEngine.window(values.map { $0 + Double(window * 3) }, baseline: baseline, summarizer: assay.summarizer)
            let start = t0.addingTimeInterval(Double(window + 1) * 86_400)
            let score = DriftEngine.score(baseline: baseline, window: summary, summarizer: assay.summarizer)
            return AssayResult(
                assayID: assay.id, workspaceID: workspace, pipelineID: pipeline.id, windowIndex: window, windowStart: start,
                windowEnd: start.addingTimeInterval(86_400), analyzedAt: start, elapsed: .milliseconds(2), feature: assay.feature,
                baselineStart: t0, baselineEnd: t0.addingTimeInterval(86_400), baselineSummary: baseline, windowSummary: summary,
                score: score, status: score.score >= 0.1 ? .alert : .ok, warningThreshold: 0.05, alertThreshold: 0.1,
                summarizer: assay.summarizer)
        }
        #expect(try await fixtures.store.recordAssayResults(results, assayID: assay.id, from: 0, through: 3, at: t0))
        try await server.test { client in
            let browser = try await client.signIn()
            let list = try await browser.get(client, Self.base + "assays")
            #expect(list.text.contains("price &lt;drift&gt;") && !list.text.contains("<drift>"))
            #expect(list.text.contains(#"<td>houses</td>"#))
            let page = try await browser.get(client, Self.base + "assays/assay-1")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"data-metric="drift-score""#))
            #expect(page.text.contains(#"<g data-series="alert threshold">"#) && page.text.contains(#"<g data-series="warning threshold">"#))
            #expect(page.text.contains("Baseline and window 2"), "the latest window by default")
            #expect(page.text.contains(#"aria-label="Bar chart of"#))
            let chosen = try await browser.get(client, Self.base + "assays/assay-1?window=0")
            #expect(chosen.text.contains("Baseline and window 0"))
            let overview = try await browser.get(client, Self.base)
            #expect(results.contains { $0.status == .alert }, "the shifted windows drift past the alert threshold")
            #expect(overview.text.contains(#"href="/ui/w/default/assays/assay-1""#), "alerts link to their assay")
        }
    }
}

