import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerAssays(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("assays") { request, context -> Response in
            let page = try await page(request, context)
            var rows: [[String: Any]] = []
            for (pipeline, step) in try await core.pipelines.list(workspaceID: page.workspace.id) where step == nil {
                for assay in try await core.assays.assays(pipelineID: pipeline.id) {
                    let last = try await core.assays.results(of: assay, start: nil, end: nil,
                                                             limit: AssayService.maximumResultsPage).last
                    var row: [String: Any] = ["name": assay.name, "url": page.url("assays/" + WebPage.component(assay.id)),
                                              "pipeline": pipeline.name, "feature": Self.describe(assay.feature),
                                              "active": assay.isActive ? "yes" : "no", "windows": assay.analyzedWindows]
                    if let last {
                        row["status"] = last.status.rawValue
                        row["statusClass"] = WebFormat.statusClass(last.status.rawValue)
                    }
                    rows.append(row)
                }
            }
            return page.render("assays", title: "Drift", section: "assays", values: ["assays": rows])
        }
        group.get("assays/:id") { request, context -> Response in
            let page = try await page(request, context)
            let assay = try await core.assays.assay(id: try Self.parameter(context, "id"))
            guard assay.workspaceID == page.workspace.id else { throw SlipwayError.notFound("assay", assay.id) }
            let chosen = request.uri.queryParameters["window"].flatMap { Int($0) }
            return try await assayPage(assay, window: chosen, page)
        }
    }

    func assayPage(_ assay: Assay, window chosen: Int?, _ page: WebPage) async throws -> Response {
        let base = page.url("assays/" + WebPage.component(assay.id))
        let results = try await core.assays.results(of: assay, start: nil, end: nil, limit: AssayService.maximumResultsPage)
            .sorted { $0.windowStart < $1.windowStart }
        let pipeline = try? await core.modelPipelines.pipeline(id: assay.pipelineID, workspaceID: page.workspace.id)
        let shown = results.first { $0.windowIndex == chosen } ?? results.last
        var values: [String: Any] = [
            "name": assay.name, "pipeline": pipeline?.name ?? assay.pipelineID, "feature": Self.describe(assay.feature),
            "active": assay.isActive ? "yes" : "no", "alert": WebFormat.number(assay.alertThreshold),
            "metric": assay.summarizer.metric.rawValue,
            "windows": results.reversed().map { result -> [String: Any] in
                var row: [String: Any] = ["index": result.windowIndex, "score": WebFormat.number(result.score.score),
                                          "status": result.status.rawValue, "statusClass": WebFormat.statusClass(result.status.rawValue),
                                          "count": result.windowSummary.count, "current": result.windowIndex == shown?.windowIndex,
                                          "url": base + WebPage.query([("window", String(result.windowIndex))]) + "#hist-h"]
                WebFormat.time(result.windowStart, "start", into: &row)
                WebFormat.time(result.windowEnd, "end", into: &row)
                return row
            },
        ]
        if let pipeline { values["pipelineURL"] = page.url("model-pipelines/" + WebPage.component(pipeline.id)) }
        if let warning = assay.warningThreshold { values["warning"] = WebFormat.number(warning) }
        if !results.isEmpty {
            let times = results.map { $0.windowStart.timeIntervalSince1970 }
            var series = [SVGLineChart.Series(name: "score", points: results.map { ($0.windowStart.timeIntervalSince1970, $0.score.score) })]
            let span = [times.first!, times.last!]
            series.append(.init(name: "alert threshold", points: span.map { ($0, assay.alertThreshold) }))
            if let warning = assay.warningThreshold { series.append(.init(name: "warning threshold", points: span.map { ($0, warning) })) }
            values["scoreChart"] = SVGLineChart(series: series, xLabel: "window start (UTC)", yLabel: assay.summarizer.metric.rawValue,
                                                metric: "drift-score", xFormat: { WebFormat.clock(Date(timeIntervalSince1970: $0)) })
                .render()
        }
        if let shown {
            values["window"] = shown.windowIndex
            let bins = shown.baselineSummary.edgeNames.isEmpty
                ? shown.baselineSummary.aggregatedValues.indices.map { "bin \($0)" } : shown.baselineSummary.edgeNames
            values["histogram"] = SVGBarChart(categories: bins, series: [
                .init(name: "baseline", values: shown.baselineSummary.aggregatedValues),
                .init(name: "window \(shown.windowIndex)", values: shown.windowSummary.aggregatedValues),
            ], yLabel: shown.summarizer.aggregation.rawValue).render()
        }
        return page.render("assay", title: "Assay " + assay.name, section: "assays", values: values,
                           breadcrumbs: [("Drift", page.url("assays"))])
    }

    static func describe(_ feature: InferenceFeature) -> String {
        "\(feature.side.rawValue) \(feature.name)[\(feature.element)]"
    }
}
