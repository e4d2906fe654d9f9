import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerOverview(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("") { request, context -> Response in
            let page = try await page(request, context)
            let workspaceID = page.workspace.id
            let recent = try await core.executions.page(ExecutionQuery(workspaceID: workspaceID, limit: 10))
            let failed = try await core.executions.page(ExecutionQuery(workspaceID: workspaceID, status: .failed, limit: 1)).total
            let pipelines = try await core.pipelines.list(workspaceID: workspaceID)
            let deployments = try await core.deployments.list(workspaceID: workspaceID)
            var values: [String: Any] = [
                "workspace": page.workspace.name, "executionsURL": page.url("executions"),
                "counts": [
                    ["label": "executions", "value": recent.total, "url": page.url("executions")],
                    ["label": "failed", "value": failed, "url": page.url("executions?status=failed")],
                    ["label": "pipelines", "value": pipelines.count, "url": page.url("pipelines")],
                    ["label": "deployments", "value": deployments.count, "url": page.url("deployments")],
                ] as [[String: Any]],
                "deployments": try await deployments.asyncMap { deployment in
                    var row = deploymentRow(deployment, page)
                    let last = try await core.deployments.latestExecution(deployment)
                    row["health"] = !deployment.isEnabled ? "disabled"
                        : last.map { "last execution " + $0.status.rawValue } ?? "no execution yet"
                    return row
                },
                "alerts": try await core.assays.alerts(workspaceID: workspaceID, limit: 10).map { result -> [String: Any] in
                    var row: [String: Any] = ["text": "Drift alert on assay \(result.assayID), feature \(result.feature.name)",
                                              "url": page.url("assays/" + WebPage.component(result.assayID))]
                    WebFormat.time(result.windowStart, "at", into: &row)
                    return row
                },
            ]
            if !recent.executions.isEmpty { values["recentTable"] = executionTable(recent.executions, page) }
            return page.render("overview", title: page.workspace.name, section: "", values: values)
        }
    }
}
