import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    /// Executions or runs compared on one page, at most.
    static let maxCompared = 10

    /// One column of a comparison: its fields by section, and its metric series.
    struct Compared {
        var label: String
        var url: String
        var fields: [String: [String: String]] = [:]
        var series: [String: [(x: Double, y: Double)]] = [:]
    }

    func registerCompare(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("compare") { request, context -> Response in
            let page = try await page(request, context)
            let executionIDs = request.uri.queryParameters[values: "execution"].map(String.init).filter { !$0.isEmpty }
            let runIDs = request.uri.queryParameters[values: "run"].map(String.init).filter { !$0.isEmpty }
            guard executionIDs.count + runIDs.count <= Self.maxCompared else {
                throw SlipwayError.badRequest("compare at most \(Self.maxCompared) executions and runs at once")
            }
            var compared: [Compared] = []
            for id in executionIDs { compared.append(try await comparedExecution(id, page)) }
            for id in runIDs { compared.append(try await comparedRun(id, page)) }
            var values: [String: Any] = ["executionsURL": page.url("executions")]
            if compared.count >= 2 { values["table"] = Self.comparison(compared) }
            return page.render("compare", title: "Comparison", section: "executions", values: values,
                               breadcrumbs: [("Executions", page.url("executions"))])
        }
    }

    func comparedExecution(_ id: String, _ page: WebPage) async throws -> Compared {
        let execution = try await core.executions.get(workspaceID: page.workspace.id, id: id)
        var column = Compared(label: execution.id, url: page.url("executions/" + WebPage.component(execution.id)))
        column.fields["Execution"] = [
            "pipeline": execution.pipelineName, "status": execution.status.rawValue, "trigger": execution.trigger.rawValue,
            "deployment": execution.deploymentName ?? "—",
            "duration": WebFormat.duration(from: execution.startedAt, to: execution.endedAt),
        ]
        column.fields["Inputs"] = Dictionary(try await core.executions.inputs(of: execution).map {
            ($0.name, $0.fileBlob != nil ? "file " + ($0.fileName ?? $0.name) : WebFormat.value($0.value))
        }, uniquingKeysWith: { first, _ in first })
        column.fields["Outputs"] = Dictionary(try await core.executions.outputs(of: execution).map {
            ($0.name, $0.fileBlob != nil ? "file " + ($0.fileName ?? $0.name) : WebFormat.value($0.value))
        }, uniquingKeysWith: { first, _ in first })
        let filter = MetricFilter(executionID: execution.id)
        column.fields["Metrics"] = Dictionary(try await core.metrics.metrics(
            workspaceID: page.workspace.id, filter: filter, page: PageRequest()).items.map { ($0.name, WebFormat.number($0.value)) },
            uniquingKeysWith: { first, _ in first })
        for metric in try await core.metrics.listMetrics(workspaceID: page.workspace.id, filter: filter, page: PageRequest()).items {
            column.series[metric.name] = metric.values.enumerated().map { (Double($0.offset), $0.element) }
        }
        return column
    }

    func comparedRun(_ id: String, _ page: WebPage) async throws -> Compared {
        let run = try await core.tracking.run(workspaceID: page.workspace.id, id: id)
        var column = Compared(label: run.name.isEmpty ? run.id : run.name,
                              url: page.url("experiments/" + WebPage.component(run.experimentID)))
        column.fields["Run"] = ["id": run.id, "status": run.status.rawValue, "experiment": run.experimentID,
                                "duration": run.endTime.map { WebFormat.duration(Double($0 - run.startTime) / 1000) } ?? "—"]
        column.fields["Parameters"] = run.params
        var latest: [String: String] = [:]
        for metric in run.metrics { latest[metric.key] = WebFormat.number(metric.value) }
        column.fields["Metrics"] = latest
        for key in Set(run.metrics.map(\.key)) {
            let history = try await core.tracking.metricHistory(workspaceID: page.workspace.id, runID: run.id, key: key,
                                                                limit: 1000, offset: 0)
            if history.count > 1 { column.series[key] = history.map { (Double($0.step), $0.value) } }
        }
        return column
    }

    /// The comparison table (a row per field, marked `differs` when the columns disagree) and
    /// one chart per metric series, the columns overlaid.
    static func comparison(_ compared: [Compared]) -> [String: Any] {
        let order = ["Execution", "Run", "Parameters", "Inputs", "Outputs", "Metrics"]
        let sectionNames = order.filter { name in compared.contains { $0.fields[name] != nil } }
        let sections: [[String: Any]] = sectionNames.map { section in
            let names = Set(compared.flatMap { $0.fields[section]?.keys.map { $0 } ?? [] }).sorted()
            let rows: [[String: Any]] = names.map { name in
                let texts = compared.map { $0.fields[section]?[name] ?? "—" }
                let differs = Set(texts).count > 1
                return ["name": name, "differs": differs,
                        "cells": texts.map { ["text": $0, "differs": differs] }]
            }
            return ["label": section, "span": compared.count + 1, "rows": rows]
        }
        let metricNames = Set(compared.flatMap { $0.series.keys }).sorted()
        let charts: [[String: Any]] = metricNames.map { name in
            let chart = SVGLineChart(series: compared.compactMap { column in
                column.series[name].map { SVGLineChart.Series(name: column.label, points: $0) }
            }, xLabel: "step", yLabel: name, metric: name)
            return ["name": name, "svg": chart.render()]
        }
        return ["columns": compared.map { ["label": $0.label, "url": $0.url.isEmpty ? "#" : $0.url] },
                "sections": sections, "charts": charts]
    }
}
