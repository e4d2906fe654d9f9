import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    /// Workflow runs listed, newest first.
    static let workflowRuns = 100

    func registerWorkflows(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("workflows") { request, context -> Response in
            let page = try await page(request, context)
            let pipelines = try await core.filePipelines.list(workspaceID: page.workspace.id)
            let names = Dictionary(pipelines.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var rows: [[String: Any]] = []
            for pipeline in pipelines.sorted(by: { $0.name < $1.name }) {
                let package = try await core.codePackages.package(id: pipeline.packageID)
                rows.append([
                    "name": pipeline.name, "enabled": pipeline.enabled ? "yes" : "no",
                    "protocol": package.map { "\($0.namespace)/\($0.slug):\($0.version)" } ?? pipeline.packageID,
                    "condition": (try? encoder.encode(pipeline.condition)).map { String(decoding: $0, as: UTF8.self) } ?? "",
                ])
            }
            let runs = try await core.filePipelines.workflows(FileWorkflowQuery(workspaceID: page.workspace.id,
                                                                               limit: Self.workflowRuns))
            let runRows = runs.map { workflow -> [String: Any] in
                var row: [String: Any] = [
                    "id": workflow.id, "pipeline": names[workflow.pipelineID] ?? workflow.pipelineID, "file": workflow.filePath,
                    "status": workflow.status.rawValue, "statusClass": WebFormat.statusClass(workflow.status.rawValue),
                    "steps": workflow.steps.map { step -> [String: Any] in
                        var item: [String: Any] = ["name": step.id, "status": step.status.rawValue,
                                                   "statusClass": WebFormat.statusClass(step.status.rawValue)]
                        if let run = step.runID { item["url"] = page.url("executions/" + WebPage.component(run)) }
                        return item
                    },
                ]
                WebFormat.time(workflow.createdAt, "created", into: &row)
                return row
            }
            var values: [String: Any] = ["pipelines": rows, "runs": runRows]
            if runs.count == Self.workflowRuns {
                values["pager"] = ["total": "the newest \(Self.workflowRuns)", "first": 1, "last": runs.count] as [String: Any]
            }
            return page.render("workflows", title: "Workflows", section: "workflows", values: values)
        }
    }
}
