import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    /// Lines of a log shown on the page (the rest stay downloadable through the APIs).
    static let maxLogLines = 5000

    func registerExecutions(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("executions") { request, context -> Response in
            let page = try await page(request, context)
            return try await executionsPage(request, page)
        }
        group.get("executions/:id") { request, context -> Response in
            let page = try await page(request, context)
            let execution = try await core.executions.get(workspaceID: page.workspace.id, id: try Self.parameter(context, "id"))
            return try await executionPage(execution, page)
        }
        group.get("executions/:id/logs.json") { request, context -> Response in
            let page = try await page(request, context)
            let execution = try await core.executions.get(workspaceID: page.workspace.id, id: try Self.parameter(context, "id"))
            let from = max(0, request.uri.queryParameters["from"].flatMap { Int($0) } ?? 0)
            let lines = try await core.executions.logs(of: execution, query: LogQuery(limit: from + Self.maxLogLines))
            return WebResponse.json([
                "lines": lines.dropFirst(from).map { ["at": WebFormat.iso($0.timestamp), "stream": $0.stream.rawValue,
                                                      "message": $0.message] },
                "status": execution.status.rawValue, "statusClass": WebFormat.statusClass(execution.status.rawValue),
                "final": execution.status.isFinal,
            ])
        }
        group.get("executions/:id/files/:direction/:name") { request, context -> Response in
            let page = try await page(request, context)
            let execution = try await core.executions.get(workspaceID: page.workspace.id, id: try Self.parameter(context, "id"))
            let name = try Self.parameter(context, "name")
            let file: (blob: String?, name: String?)? = switch try Self.parameter(context, "direction") {
            case "inputs": try await core.executions.inputs(of: execution).first { $0.name == name }.map { ($0.fileBlob, $0.fileName) }
            case "outputs": try await core.executions.outputs(of: execution).first { $0.name == name }.map { ($0.fileBlob, $0.fileName) }
            default: nil
            }
            guard let file, let blob = file.blob else { throw SlipwayError.notFound("file", name) }
            return try await BlobResponse.make(core.platform.blobs, key: blob, fileName: file.name ?? name,
                                               headers: [.cacheControl: "no-store"])
        }
        group.post("executions/:id/rerun") { request, context -> Response in
            let page = try await page(request, context)
            try page.checkCSRF(request, form: try await Self.form(request))
            let execution = try await core.executions.get(workspaceID: page.workspace.id, id: try Self.parameter(context, "id"))
            let again = try await core.executions.rerun(execution, workspace: page.workspace, principal: page.principal,
                                                        scratch: services.forms.temporaryDirectory)
            return WebResponse.redirect(page.url("executions/" + WebPage.component(again.id)))
        }
    }

    // MARK: - The list

    func executionsPage(_ request: Request, _ page: WebPage) async throws -> Response {
        let parameters = request.uri.queryParameters
        func parameter(_ name: String) -> String? {
            parameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        let status = try parameter("status").map { text in
            guard let status = ExecutionStatus(rawValue: text) else { throw SlipwayError.badRequest("unknown status '\(text)'") }
            return status
        }
        let trigger = try parameter("trigger").map { text in
            guard let trigger = ExecutionTrigger(rawValue: text) else { throw SlipwayError.badRequest("unknown trigger '\(text)'") }
            return trigger
        }
        let from = try parameter("from").map { try Self.day($0, "from") }
        let to = try parameter("to").map { try Self.day($0, "to") }
        let sort = try parameter("sort").map { text in
            guard let key = ExecutionQuery.SortKey(rawValue: text) else { throw SlipwayError.badRequest("cannot sort by '\(text)'") }
            return key
        } ?? .createdAt
        let ascending = parameter("order") == "asc"
        let perPage = 50
        let number = max(1, parameter("page").flatMap(Int.init) ?? 1)
        let query = ExecutionQuery(workspaceID: page.workspace.id, pipelineName: parameter("pipeline"),
                                   deploymentName: parameter("deployment"), status: status, trigger: trigger,
                                   createdFrom: from, createdBefore: to?.addingTimeInterval(86400), sort: sort,
                                   descending: !ascending, limit: perPage, offset: (number - 1) * perPage)
        let result = try await core.executions.page(query)

        let filters: [(String, String?)] = [("pipeline", query.pipelineName), ("deployment", query.deploymentName),
                                            ("status", status?.rawValue), ("trigger", trigger?.rawValue),
                                            ("from", parameter("from")), ("to", parameter("to"))]
        let action = page.url("executions")
        func link(sort key: ExecutionQuery.SortKey, ascending: Bool, page number: Int? = nil) -> String {
            action + WebPage.query(filters + [("sort", key == .createdAt ? nil : key.rawValue), ("order", ascending ? "asc" : nil),
                                              ("page", number.map(String.init))])
        }
        let sortable: [ExecutionQuery.SortKey: String] = [.createdAt: "Created", .pipeline: "Pipeline", .status: "Status",
                                                         .trigger: "Trigger"]
        let columns: [[String: Any]] = [("Execution", nil), ("Pipeline", ExecutionQuery.SortKey.pipeline),
                                        ("Deployment", nil), ("Trigger", .trigger), ("Status", .status),
                                        ("Created", .createdAt), ("Duration", nil)].map { label, key in
            guard let key, sortable[key] != nil else { return ["label": label] }
            var column: [String: Any] = ["label": label, "url": link(sort: key, ascending: key == sort ? !ascending : false)]
            if key == sort { column["sort"] = ascending ? "ascending" : "descending" }
            return column
        }
        var values: [String: Any] = [
            "action": action, "compareAction": page.url("compare"), "sortKey": sort == .createdAt ? "" : sort.rawValue,
            "order": ascending ? "asc" : "", "from": parameter("from") ?? "", "to": parameter("to") ?? "",
            "pipelines": try await core.pipelines.list(workspaceID: page.workspace.id).map {
                ["name": $0.0.name, "selected": $0.0.name == query.pipelineName] },
            "deployments": try await core.deployments.list(workspaceID: page.workspace.id).map {
                ["name": $0.name, "selected": $0.name == query.deploymentName] },
            "statuses": ExecutionStatus.allCases.map { ["name": $0.rawValue, "selected": $0 == status] },
            "triggers": [ExecutionTrigger.run, .endpoint, .periodic, .fileArrival].map { ["name": $0.rawValue, "selected": $0 == trigger] },
            "emptyText": result.total == 0 && filters.allSatisfy({ $0.1 == nil })
                ? "No execution yet. Run a pipeline with the SDK (sdk.run_pipeline(pipeline_name, inputs)) or call a deployment's endpoint."
                : "No execution matches these filters.",
        ]
        if !result.executions.isEmpty {
            var table = executionTable(result.executions, page, selectable: true)
            table["columns"] = columns
            table["pager"] = Self.pager(total: result.total, offset: query.offset, count: result.executions.count,
                                        previous: number > 1 ? link(sort: sort, ascending: ascending, page: number - 1) : nil,
                                        next: query.offset + result.executions.count < result.total
                                            ? link(sort: sort, ascending: ascending, page: number + 1) : nil)
            values["table"] = table
        }
        return page.render("executions", title: "Executions", section: "executions", values: values)
    }

    /// A `YYYY-MM-DD` date (midnight UTC).
    static func day(_ text: String, _ name: String) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            throw SlipwayError.badRequest("\(name) must be a date as YYYY-MM-DD")
        }
        return date
    }

    static func pager(total: Int, offset: Int, count: Int, previous: String?, next: String?) -> [String: Any] {
        var pager: [String: Any] = ["total": total, "first": count == 0 ? 0 : offset + 1, "last": offset + count]
        if let previous { pager["previous"] = previous }
        if let next { pager["next"] = next }
        return pager
    }

    /// The execution table partial's values for `executions`.
    func executionTable(_ executions: [Execution], _ page: WebPage, selectable: Bool = false) -> [String: Any] {
        [
            "selectable": selectable,
            "columns": ["Execution", "Pipeline", "Deployment", "Trigger", "Status", "Created", "Duration"].map { ["label": $0] },
            "rows": executions.map { execution -> [String: Any] in
                var row: [String: Any] = [
                    "id": execution.id, "url": page.url("executions/" + WebPage.component(execution.id)),
                    "pipeline": execution.pipelineName, "deployment": execution.deploymentName ?? "—",
                    "trigger": execution.trigger.rawValue, "status": execution.status.rawValue,
                    "statusClass": WebFormat.statusClass(execution.status.rawValue),
                    "duration": WebFormat.duration(from: execution.startedAt, to: execution.endedAt),
                    "selectable": selectable,
                ]
                WebFormat.time(execution.createdAt, "created", into: &row)
                return row
            },
        ]
    }

    // MARK: - One execution

    func executionPage(_ execution: Execution, _ page: WebPage) async throws -> Response {
        let base = page.url("executions/" + WebPage.component(execution.id))
        let inputs = try await core.executions.inputs(of: execution)
        let outputs = try await core.executions.outputs(of: execution)
        let logs = try await core.executions.logs(of: execution, query: LogQuery(limit: Self.maxLogLines))
        let filter = MetricFilter(executionID: execution.id)
        let singles = try await core.metrics.metrics(workspaceID: page.workspace.id, filter: filter, page: PageRequest()).items
        let lists = try await core.metrics.listMetrics(workspaceID: page.workspace.id, filter: filter, page: PageRequest()).items
        var values: [String: Any] = [
            "id": execution.id, "status": execution.status.rawValue,
            "statusClass": WebFormat.statusClass(execution.status.rawValue), "final": execution.status.isFinal,
            "statusURL": base + "/logs.json", "logsURL": base + "/logs.json", "logCount": logs.count,
            "pipeline": execution.pipelineName, "pipelineURL": page.url("pipelines/" + WebPage.component(execution.pipelineName)),
            "trigger": execution.trigger.rawValue, "createdBy": try await userName(execution.createdBy),
            "duration": WebFormat.duration(from: execution.startedAt, to: execution.endedAt),
            "rerunURL": base + "/rerun",
            "inputs": inputs.map { input -> [String: Any] in
                var row: [String: Any] = ["name": input.name, "type": input.dataType.rawValue, "source": Self.describe(input.source),
                                          "value": WebFormat.value(input.value)]
                if input.fileBlob != nil {
                    row["download"] = base + "/files/inputs/" + WebPage.component(input.name)
                    row["fileName"] = input.fileName ?? input.name
                }
                return row
            },
            "outputs": outputs.map { output -> [String: Any] in
                var row: [String: Any] = ["name": output.name, "type": output.dataType.rawValue,
                                          "destination": Self.describe(output.destination), "value": WebFormat.value(output.value)]
                if output.fileBlob != nil {
                    row["download"] = base + "/files/outputs/" + WebPage.component(output.name)
                    row["fileName"] = output.fileName ?? output.name
                }
                return row
            },
            "metrics": singles.sorted { $0.name < $1.name }.map { ["name": $0.name, "value": WebFormat.number($0.value)] },
            "charts": lists.sorted { $0.name < $1.name }.map { metric -> [String: Any] in
                let chart = SVGLineChart(series: [.init(name: metric.name, points: metric.values.enumerated().map {
                    (Double($0.offset), $0.element) })], xLabel: "step", yLabel: metric.name, metric: metric.name)
                return ["name": metric.name, "svg": chart.render()]
            },
            "logs": logs.map { line -> [String: Any] in
                var row: [String: Any] = ["stream": line.stream.rawValue, "message": line.message]
                WebFormat.time(line.timestamp, "at", into: &row)
                return row
            },
        ]
        if let failure = execution.failureMessage { values["failure"] = failure }
        if let deployment = execution.deploymentName {
            values["deployment"] = deployment
            values["deploymentURL"] = page.url("deployments/" + WebPage.component(deployment))
        }
        WebFormat.time(execution.createdAt, "created", into: &values)
        WebFormat.time(execution.startedAt, "started", into: &values)
        WebFormat.time(execution.endedAt, "ended", into: &values)
        values["environment"] = try await environment(stepID: execution.stepID)
        return page.render("execution", title: "Execution " + execution.id, section: "executions", values: values,
                           breadcrumbs: [("Executions", page.url("executions"))])
    }

    /// What a step runs in: language, requirements, system packages, code hash, environment key.
    func environment(stepID: String) async throws -> [[String: Any]] {
        guard let step = try await core.steps.step(id: stepID) else {
            return [["label": "Step", "value": "no longer stored"]]
        }
        let config = step.containerConfig
        var facts: [(String, String?)] = [("Function", "\(step.functionPath):\(step.functionName)"),
                                          ("Python", config.language), ("Requirements", config.requirementsPath),
                                          ("System packages", config.systemDependencies?.joined(separator: ", ")),
                                          ("Included folders", config.includedFolders?.joined(separator: ", ")),
                                          ("Code hash (SHA-256)", step.codeDigest), ("Environment", step.environmentKey)]
        if let repository = config.repositoryURL { facts.append(("Repository", repository + (config.repositoryBranch.map { " @ " + $0 } ?? ""))) }
        return facts.compactMap { label, value in value.flatMap { $0.isEmpty ? nil : ["label": label, "value": $0] } }
    }

    func userName(_ id: String) async throws -> String {
        try await core.accounts.user(id: id)?.name ?? id
    }

    static func describe(_ source: InputSource) -> String {
        switch source {
        case .run: "given to the run"
        case .endpoint(let name, _, _): "endpoint parameter \(name)"
        case .constant: "constant"
        case .environmentVariable(let name): "environment variable \(name)"
        case .dataStore(let path): "data store \(path)"
        case .null: "none"
        }
    }

    static func describe(_ destination: OutputDestination) -> String {
        switch destination {
        case .run: "returned to the caller"
        case .endpoint(let name): "endpoint field \(name)"
        case .dataStore(let path): "data store \(path)"
        case .null: "discarded"
        }
    }
}
