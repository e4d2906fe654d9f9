import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    func registerMonitoring(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("monitored-models") { request, context -> Response in
            let page = try await page(request, context)
            let reports = try await core.captureBindings.reports(workspaceID: page.workspace.id)
            let rows = try await core.monitoring.models(in: page.workspace).map { model -> [String: Any] in
                let own = reports.filter { $0.binding.modelID == model.id }
                var row = Self.monitoredFacts(model)
                row["url"] = page.url("monitored-models/" + WebPage.component(model.id))
                row["files"] = own.reduce(0) { $0 + $1.totals.fileCount }
                row["succeeded"] = own.reduce(0) { $0 + $1.totals.successCount }
                row["failed"] = own.reduce(0) { $0 + $1.totals.failureCount }
                return row
            }
            return page.render("monitored-models", title: "Monitored models", section: "monitored-models", values: ["models": rows])
        }
        group.get("monitored-models/:id") { request, context -> Response in
            let page = try await page(request, context)
            let model = try await core.monitoring.model(id: try Self.parameter(context, "id"), in: page.workspace)
            var values = Self.monitoredFacts(model)
            values["attributes"] = model.attributes.map(\.name).joined(separator: ", ")
            values["files"] = try await core.captureBindings.reports(of: model).flatMap(\.recentFiles).map { file -> [String: Any] in
                ["path": file.path, "status": file.status.rawValue, "statusClass": WebFormat.statusClass(file.status.rawValue),
                 "succeeded": file.successCount, "failed": file.failureCount, "size": WebFormat.bytes(file.size)]
            }
            let cursor = try request.uri.queryParameters["before"].map { try InferenceCursor(token: String($0)) }
            let logs = try await core.serving.logs(InferenceRecordQuery(workspaceID: page.workspace.id, deploymentID: model.id,
                                                                        limit: Self.inferencesPerPage, cursor: cursor))
            values["inferences"] = logs.entries.map { entry -> [String: Any] in
                var row: [String: Any] = ["id": entry.record.externalID ?? entry.record.id,
                                          "inputs": Self.features(entry.record.inputs), "outputs": Self.features(entry.record.outputs),
                                          "truth": entry.record.groundTruth.map(Self.features) ?? "—"]
                WebFormat.time(entry.record.time, "at", into: &row)
                return row
            }
            if let next = logs.nextCursor {
                values["more"] = page.url("monitored-models/" + WebPage.component(model.id)) + WebPage.query([("before", next.token)])
            }
            return page.render("monitored-model", title: "Monitored model " + model.displayName, section: "monitored-models",
                               values: values, breadcrumbs: [("Monitored models", page.url("monitored-models"))])
        }
    }

    static func monitoredFacts(_ model: MonitoredModel) -> [String: Any] {
        ["name": model.displayName, "partner": model.partnerModelID, "input": model.inputKind.rawValue,
         "output": model.outputKind.rawValue, "status": model.status.rawValue,
         "statusClass": WebFormat.statusClass(model.status.rawValue)]
    }
}
