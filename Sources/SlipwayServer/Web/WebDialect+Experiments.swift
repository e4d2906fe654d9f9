import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    static let runsPerPage = 50

    func registerExperiments(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("experiments") { request, context -> Response in
            let page = try await page(request, context)
            _ = try await core.tracking.defaultExperiment(workspaceID: page.workspace.id)
            let experiments = try await core.tracking.searchExperiments(ExperimentQuery(workspaceID: page.workspace.id, limit: 1000))
            let rows = experiments.map { experiment -> [String: Any] in
                var row: [String: Any] = ["name": experiment.name, "id": experiment.id,
                                          "url": page.url("experiments/" + WebPage.component(experiment.id))]
                WebFormat.time(experiment.createdAt, "created", into: &row)
                return row
            }
            return page.render("experiments", title: "Experiments", section: "experiments", values: ["experiments": rows])
        }
        group.get("experiments/:id") { request, context -> Response in
            let page = try await page(request, context)
            let experiment = try await core.tracking.experiment(workspaceID: page.workspace.id, id: try Self.parameter(context, "id"))
            let number = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
            let offset = (number - 1) * Self.runsPerPage
            // One more than a page tells whether there is a next one.
            let found = try await core.tracking.searchRuns(RunQuery(
                workspaceID: page.workspace.id, experimentIDs: [experiment.id],
                order: [RunOrder(.attribute(.startTime), ascending: false)], limit: Self.runsPerPage + 1, offset: offset))
            let runs = Array(found.prefix(Self.runsPerPage))
            let paramNames = Set(runs.flatMap { $0.params.keys }).sorted().prefix(12)
            let metricNames = Set(runs.flatMap { $0.metrics.map(\.key) }).sorted().prefix(12)
            let base = page.url("experiments/" + WebPage.component(experiment.id))
            var values: [String: Any] = [
                "name": experiment.name, "compareAction": page.url("compare"),
                "paramNames": Array(paramNames), "metricNames": Array(metricNames),
                "runs": runs.map { run -> [String: Any] in
                    var latest: [String: Double] = [:]
                    for metric in run.metrics { latest[metric.key] = metric.value }
                    var row: [String: Any] = [
                        "id": run.id, "shortID": String(run.id.prefix(8)), "name": run.name.isEmpty ? run.id : run.name,
                        "status": run.status.rawValue, "statusClass": WebFormat.statusClass(run.status.rawValue),
                        "duration": run.endTime.map { WebFormat.duration(Double($0 - run.startTime) / 1000) } ?? "—",
                        "cells": paramNames.map { run.params[$0] ?? "—" } + metricNames.map { latest[$0].map(WebFormat.number) ?? "—" },
                    ]
                    WebFormat.time(Date(timeIntervalSince1970: Double(run.startTime) / 1000), "started", into: &row)
                    return row
                },
            ]
            if number > 1 || found.count > Self.runsPerPage {
                values["pager"] = Self.pager(total: found.count > Self.runsPerPage ? offset + runs.count + 1 : offset + runs.count,
                                             offset: offset, count: runs.count,
                                             previous: number > 1 ? base + WebPage.query([("page", String(number - 1))]) : nil,
                                             next: found.count > Self.runsPerPage ? base + WebPage.query([("page", String(number + 1))]) : nil)
            }
            return page.render("experiment", title: "Experiment " + experiment.name, section: "experiments", values: values,
                               breadcrumbs: [("Experiments", page.url("experiments"))])
        }
    }
}
