import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    /// Executions the latency and throughput charts are drawn from.
    static let chartedExecutions = 500

    func registerDeployments(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("deployments") { request, context -> Response in
            let page = try await page(request, context)
            let rows = try await core.deployments.list(workspaceID: page.workspace.id).asyncMap { deployment in
                var row = deploymentRow(deployment, page)
                if let last = try await core.deployments.latestExecution(deployment) {
                    WebFormat.time(last.createdAt, "last", into: &row)
                    row["lastStatus"] = last.status.rawValue
                    row["lastURL"] = page.url("executions/" + WebPage.component(last.id))
                }
                return row
            }
            return page.render("deployments", title: "Deployments", section: "deployments", values: ["rows": rows])
        }
        group.get("deployments/:name") { request, context -> Response in
            let page = try await page(request, context)
            let deployment = try await core.deployments.get(workspaceID: page.workspace.id, name: try Self.parameter(context, "name"))
            return try await deploymentPage(deployment, page, extra: [:])
        }
        group.post("deployments/:name/enabled") { request, context -> Response in
            let page = try await page(request, context)
            let form = try await Self.form(request)
            try page.checkCSRF(request, form: form)
            guard let enabled = form["enabled"].flatMap(Bool.init) else { throw SlipwayError.badRequest("enabled must be true or false") }
            let name = try Self.parameter(context, "name")
            _ = try await core.deployments.update(workspaceID: page.workspace.id, name: name,
                                                  changes: DeploymentChanges(isEnabled: enabled), principal: page.principal)
            return WebResponse.redirect(page.url("deployments/" + WebPage.component(name)))
        }
        group.post("deployments/:name/token") { request, context -> Response in
            let page = try await page(request, context)
            try page.checkCSRF(request, form: try await Self.form(request))
            let name = try Self.parameter(context, "name")
            let token = try await core.deployments.rotateToken(workspaceID: page.workspace.id, name: name, token: nil)
            let deployment = try await core.deployments.get(workspaceID: page.workspace.id, name: name)
            // Answered, not redirected: the new token is shown this once and never stored in clear by the page.
            return try await deploymentPage(deployment, page, extra: ["newToken": token])
        }
    }

    func deploymentRow(_ deployment: Deployment, _ page: WebPage) -> [String: Any] {
        ["name": deployment.name, "url": page.url("deployments/" + WebPage.component(deployment.name)),
         "pipeline": deployment.pipelineName, "rule": deployment.rule.rawValue, "mode": deployment.mode.rawValue,
         "status": deployment.status.rawValue, "statusClass": WebFormat.statusClass(deployment.status.rawValue),
         "enabled": deployment.isEnabled ? "yes" : "no"]
    }

    func deploymentPage(_ deployment: Deployment, _ page: WebPage, extra: [String: Any]) async throws -> Response {
        let base = page.url("deployments/" + WebPage.component(deployment.name))
        var values = deploymentRow(deployment, page).merging(extra) { _, new in new }
        values["pipelineURL"] = page.url("pipelines/" + WebPage.component(deployment.pipelineName))
        values["executionsURL"] = page.url("executions") + WebPage.query([("deployment", deployment.name)])
        values["toggleURL"] = base + "/enabled"
        values["toggleValue"] = deployment.isEnabled ? "false" : "true"
        values["toggleLabel"] = deployment.isEnabled ? "Disable" : "Enable"
        values["rotateURL"] = base + "/token"
        values["isEndpoint"] = deployment.rule == .endpoint
        if let schedule = deployment.schedule { values["schedule"] = schedule }
        if let path = deployment.endpointPath { values["endpoint"] = path }
        WebFormat.time(deployment.createdAt, "created", into: &values)
        let pods = await core.deployments.pods(deployment)
        values["workers"] = pods.map { pod -> [String: Any] in
            var row: [String: Any] = ["id": pod.id, "status": pod.status, "pid": pod.pid.map(String.init) ?? "—"]
            WebFormat.time(pod.startedAt, "started", into: &row)
            return row
        }
        let recent = try await core.executions.page(ExecutionQuery(workspaceID: page.workspace.id,
                                                                   deploymentName: deployment.name, limit: Self.chartedExecutions))
        if !recent.executions.isEmpty { values["recentTable"] = executionTable(Array(recent.executions.prefix(10)), page) }
        values["charts"] = Self.performanceCharts(recent.executions)
        values["resources"] = await resourceCharts(deployment, pods: pods)
        return page.render("deployment", title: "Deployment " + deployment.name, section: "deployments", values: values,
                           breadcrumbs: [("Deployments", page.url("deployments"))])
    }

    /// Latency of each finished execution over time, and executions started per minute.
    static func performanceCharts(_ executions: [Execution]) -> [[String: Any]] {
        let finished = executions.compactMap { execution -> (Double, Double)? in
            guard let start = execution.startedAt, let end = execution.endedAt else { return nil }
            return (start.timeIntervalSince1970, end.timeIntervalSince(start) * 1000)
        }.sorted { $0.0 < $1.0 }
        guard !finished.isEmpty else { return [] }
        var perMinute: [Double: Double] = [:]
        for execution in executions {
            perMinute[(execution.createdAt.timeIntervalSince1970 / 60).rounded(.down) * 60, default: 0] += 1
        }
        let clock: @Sendable (Double) -> String = { WebFormat.clock(Date(timeIntervalSince1970: $0)) }
        let latency = SVGLineChart(series: [.init(name: "latency", points: finished.map { (x: $0.0, y: $0.1) })],
                                   xLabel: "started (UTC)", yLabel: "ms", xFormat: clock)
        let throughput = SVGLineChart(series: [.init(name: "executions per minute",
                                                     points: perMinute.sorted { $0.key < $1.key }.map { (x: $0.key, y: $0.value) })],
                                      xLabel: "minute (UTC)", yLabel: "executions", xFormat: clock)
        return [["name": "Latency (ms) of the last \(finished.count) finished executions", "svg": latency.render()],
                ["name": "Executions per minute", "svg": throughput.render()]]
    }

    /// CPU and RAM of the deployment's workers over the last hour (the whole environment's
    /// when no sampled worker is the deployment's).
    func resourceCharts(_ deployment: Deployment, pods: [PodInfo]) async -> [[String: Any]] {
        let now = core.platform.now()
        let series = await services.resources.query(from: now.addingTimeInterval(-3600), to: now)
        let clock: @Sendable (Double) -> String = { WebFormat.clock(Date(timeIntervalSince1970: $0)) }
        let ids = Set(pods.map(\.id))
        return [(ResourceMeasure.cpuUsage, "CPU (%)"), (.ramUsage, "RAM (bytes)")].compactMap { measure, label in
            let all = series[measure] ?? []
            let own = all.filter { ids.contains($0.worker) || $0.worker.contains(deployment.name) || $0.worker.contains(deployment.id) }
            let shown = own.isEmpty ? all.filter { $0.worker == ResourceHistory.environmentWorker } : own
            guard !shown.isEmpty else { return nil }
            let chart = SVGLineChart(series: shown.map { worker, points in
                .init(name: worker, points: points.map { (x: $0.0.timeIntervalSince1970, y: $0.1) })
            }, xLabel: "time (UTC)", yLabel: label, xFormat: clock)
            return ["name": label + (own.isEmpty ? ", whole environment" : ""), "svg": chart.render()]
        }
    }
}
