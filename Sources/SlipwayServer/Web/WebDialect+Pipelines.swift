import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerPipelines(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("pipelines") { request, context -> Response in
            let page = try await page(request, context)
            let rows = try await core.pipelines.list(workspaceID: page.workspace.id).filter { $0.1 != nil }.map {
                pipeline, step -> [String: Any] in
                var row: [String: Any] = [
                    "name": pipeline.name, "url": page.url("pipelines/" + WebPage.component(pipeline.name)),
                    "step": step?.name ?? "—", "status": step?.status.rawValue ?? "—",
                    "statusClass": WebFormat.statusClass(step?.status.rawValue ?? ""),
                    "inputs": step.map { $0.inputs.map(\.name).joined(separator: ", ") } ?? "",
                    "outputs": step.map { $0.outputs.map(\.name).joined(separator: ", ") } ?? "",
                ]
                WebFormat.time(pipeline.createdAt, "created", into: &row)
                return row
            }
            return page.render("pipelines", title: "Pipelines", section: "pipelines", values: ["rows": rows])
        }
        group.get("pipelines/:name") { request, context -> Response in
            let page = try await page(request, context)
            let (pipeline, step) = try await core.pipelines.get(workspaceID: page.workspace.id, name: try Self.parameter(context, "name"))
            let base = page.url("pipelines/" + WebPage.component(pipeline.name))
            var values: [String: Any] = [
                "name": pipeline.name, "status": step.status.rawValue, "statusClass": WebFormat.statusClass(step.status.rawValue),
                "function": "\(step.functionPath):\(step.functionName)",
                "executionsURL": page.url("executions") + WebPage.query([("pipeline", pipeline.name)]),
                "executionCount": try await core.executions.page(ExecutionQuery(workspaceID: page.workspace.id,
                                                                                pipelineName: pipeline.name, limit: 1)).total,
                "inputs": step.inputs.map { ["name": $0.name, "type": $0.dataType.rawValue, "required": $0.isRequired ? "yes" : "no",
                                             "default": $0.defaultValue.map { WebFormat.value($0) } ?? ""] },
                "outputs": step.outputs.map { ["name": $0.name, "type": $0.dataType.rawValue] },
                "environment": try await environment(stepID: step.id),
            ]
            if let description = step.description { values["description"] = description }
            WebFormat.time(pipeline.createdAt, "created", into: &values)
            if pipeline.graph.nodes.count > 1 {
                values["graphSVG"] = SVGPipelineGraph(graph: pipeline.graph) { node in
                    switch node.kind {
                    case .step: "step"
                    case .model(let version): "model " + version
                    }
                }.render()
            }
            let code = WebCodeFiles(root: core.platform.bundles.codeDirectory(stepID: step.id))
            let viewed = request.uri.queryParameters["file"].map(String.init)
            if let files = code.list() {
                let shown = viewed ?? files.first(where: { $0.path == step.functionPath })?.path
                values["files"] = files.map { file -> [String: Any] in
                    ["path": file.path, "size": WebFormat.bytes(file.size), "current": file.path == shown,
                     "url": base + WebPage.query([("file", file.path)]) + "#code-h"]
                }
                if let shown {
                    let (text, reason) = code.text(shown)
                    var viewer: [String: Any] = ["path": shown, "reason": reason]
                    if let text { viewer["text"] = text }
                    values["viewer"] = viewer
                }
            } else {
                values["codeNote"] = step.status == .pending ? "The code is being installed."
                    : "The code of this step is not installed on this node."
            }
            return page.render("pipeline", title: "Pipeline " + pipeline.name, section: "pipelines", values: values,
                               breadcrumbs: [("Pipelines", page.url("pipelines"))])
        }
    }
}
