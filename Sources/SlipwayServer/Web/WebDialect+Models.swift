import Foundation
import Hummingbird
import SlipwayCore

extension WebDialect {
    /// Inference records shown per page of a model pipeline.
    static let inferencesPerPage = 50

    func registerModels(on group: RouterGroup<SlipwayRequestContext>) {
        group.get("models") { request, context -> Response in
            let page = try await page(request, context)
            let models = try await core.models.models(workspaceID: page.workspace.id).sorted { $0.name < $1.name }
            var modelRows: [[String: Any]] = []
            for model in models {
                let versions = try await core.models.versions(of: model)
                var row: [String: Any] = ["name": model.name, "url": page.url("models/" + WebPage.component(model.id)),
                                          "versions": versions.count, "framework": versions.last?.framework.rawValue ?? "—"]
                WebFormat.time(model.updatedAt, "updated", into: &row)
                modelRows.append(row)
            }
            var pipelineRows: [[String: Any]] = []
            for (pipeline, step) in try await core.pipelines.list(workspaceID: page.workspace.id) where step == nil {
                let deployment = try await core.serving.deployments(of: pipeline).first
                var row: [String: Any] = ["name": pipeline.name, "steps": pipeline.graph.nodes.count,
                                          "url": page.url("model-pipelines/" + WebPage.component(pipeline.id))]
                if let deployment {
                    row["deployment"] = deployment.status.rawValue
                    row["statusClass"] = WebFormat.statusClass(deployment.status.rawValue)
                }
                WebFormat.time(pipeline.createdAt, "created", into: &row)
                pipelineRows.append(row)
            }
            return page.render("models", title: "Models", section: "models",
                               values: ["models": modelRows, "pipelines": pipelineRows])
        }
        group.get("models/:id") { request, context -> Response in
            let page = try await page(request, context)
            let model = try await core.models.model(id: try Self.parameter(context, "id"), workspaceID: page.workspace.id)
            var values: [String: Any] = [
                "name": model.name, "id": model.id,
                "versions": try await core.models.versions(of: model).reversed().map { version -> [String: Any] in
                    var row: [String: Any] = [
                        "number": version.number, "framework": version.framework.rawValue, "file": version.fileName,
                        "size": WebFormat.bytes(version.size), "sha": version.sha256.value,
                        "shortSHA": String(version.sha256.value.prefix(12)), "status": version.status.rawValue,
                        "statusClass": WebFormat.statusClass(version.status.rawValue), "stage": version.stage.rawValue,
                        "inputs": version.inputSchema.map(Self.describe) ?? "—",
                        "outputs": version.outputSchema.map(Self.describe) ?? "—",
                    ]
                    if let message = version.statusMessage { row["message"] = message }
                    WebFormat.time(version.createdAt, "created", into: &row)
                    return row
                },
            ]
            if let description = model.description { values["description"] = description }
            WebFormat.time(model.createdAt, "created", into: &values)
            return page.render("model", title: "Model " + model.name, section: "models", values: values,
                               breadcrumbs: [("Models", page.url("models"))])
        }
        group.get("model-pipelines/:id") { request, context -> Response in
            let page = try await page(request, context)
            let pipeline = try await core.modelPipelines.pipeline(id: try Self.parameter(context, "id"),
                                                                  workspaceID: page.workspace.id)
            return try await modelPipelinePage(pipeline, request, page)
        }
    }

    func modelPipelinePage(_ pipeline: Pipeline, _ request: Request, _ page: WebPage) async throws -> Response {
        let versions = try await core.modelPipelines.versions(of: pipeline)
        let graph = versions.last?.graph ?? pipeline.graph
        var values: [String: Any] = ["name": pipeline.name, "versionCount": versions.count]
        WebFormat.time(pipeline.createdAt, "created", into: &values)
        var modelNames: [String: String] = [:]
        for node in graph.nodes {
            for id in node.modelVersionIDs + (node.routing?.modelVersionIDs ?? []) where modelNames[id] == nil {
                if let version = try? await core.models.version(id: id, workspaceID: page.workspace.id),
                   let model = try? await core.models.model(id: version.modelID) {
                    modelNames[id] = "\(model.name) v\(version.number)"
                }
            }
        }
        if !graph.nodes.isEmpty {
            values["graphSVG"] = SVGPipelineGraph(graph: graph) { node in
                let own = node.modelVersionIDs.compactMap { modelNames[$0] }.joined(separator: ", ")
                switch node.routing {
                case .split?: return "A/B " + (node.routing?.modelVersionIDs.compactMap { modelNames[$0] }.joined(separator: " | ") ?? "")
                case .shadow?: return own + " + shadows"
                case nil: return own.isEmpty ? "step" : own
                }
            }.render()
        }
        let deployments = try await core.serving.deployments(of: pipeline)
        var deploymentRows: [[String: Any]] = []
        for deployment in deployments {
            let replicas = await core.serving.replicas(of: deployment)
            var row: [String: Any] = ["name": deployment.name, "status": deployment.status.rawValue,
                                      "statusClass": WebFormat.statusClass(deployment.status.rawValue),
                                      "replicas": replicas.map { "\(modelNames[$0.modelVersionID] ?? $0.modelVersionID): \($0.pods.count)" }
                                          .joined(separator: ", ")]
            if let message = deployment.statusMessage { row["message"] = message }
            WebFormat.time(deployment.updatedAt, "updated", into: &row)
            deploymentRows.append(row)
        }
        values["deployments"] = deploymentRows
        values["assays"] = try await core.assays.assays(pipelineID: pipeline.id).map { assay -> [String: Any] in
            ["name": assay.name, "url": page.url("assays/" + WebPage.component(assay.id)), "feature": Self.describe(assay.feature)]
        }
        let cursor = try request.uri.queryParameters["before"].map { try InferenceCursor(token: String($0)) }
        let logs = try await core.serving.logs(InferenceRecordQuery(workspaceID: page.workspace.id, pipelineID: pipeline.id,
                                                                    limit: Self.inferencesPerPage, cursor: cursor))
        values["logs"] = logs.entries.map { entry -> [String: Any] in
            var row: [String: Any] = [
                "model": entry.modelName.map { name in entry.modelVersion.map { "\(name) v\($0.number)" } ?? name } ?? "—",
                "inputs": Self.features(entry.record.inputs), "outputs": Self.features(entry.record.outputs),
                "shadows": entry.shadows.map { ["name": $0.modelName, "outputs": WebFormat.value(.object($0.outputs))] },
                "split": entry.split ? "yes" : "—",
                "latency": entry.record.latency.map { WebFormat.duration(Double($0.components.seconds)
                    + Double($0.components.attoseconds) / 1e18) } ?? "—",
            ]
            WebFormat.time(entry.record.time, "at", into: &row)
            return row
        }
        if let next = logs.nextCursor {
            values["more"] = page.url("model-pipelines/" + WebPage.component(pipeline.id)) + WebPage.query([("before", next.token)])
        }
        return page.render("model-pipeline", title: "Model pipeline " + pipeline.name, section: "models", values: values,
                           breadcrumbs: [("Models", page.url("models"))])
    }

    static func features(_ values: [String: FeatureValue]) -> String {
        WebFormat.value(.object(values.mapValues(\.json)), limit: 200)
    }

    static func describe(_ schema: ModelSchema) -> String {
        schema.fields.map { "\($0.name): \($0.type.rawValue)" }.joined(separator: ", ")
    }
}
