import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerPipelines(_ group: RouterGroup<SlipwayRequestContext>) {
        group.post("pipelines") { request, context -> Response in
            let identity = try context.user()
            let pipeline: Pipeline
            if request.contentType.lowercased().hasPrefix("application/json") {
                let body = try await request.jsonObject()
                guard let name = body["pipeline_name"]?.stringValue else { throw SlipwayError.badRequest("pipeline_name is required") }
                if body["pipeline_template_name"] != nil {
                    throw SlipwayError.notImplemented("pipeline templates are not available on Slipway; create pipelines from your own code")
                }
                guard let stepNames = body["step_names"]?.arrayValue, stepNames.count == 1, let stepName = stepNames[0].stringValue else {
                    throw SlipwayError.badRequest("step_names must name exactly one step")
                }
                pipeline = try await pipelines.create(name: name, stepName: stepName, workspace: identity.workspace,
                                                      principal: identity.principal)
            } else {
                let form = try await archiveForms.read(request)
                defer { form.discardFiles() }
                let draft = try CraftAIStepDraft.parse(form.fields, nameField: "pipeline_name")
                pipeline = try await pipelines.create(draft, archive: form.files["step_file"]?.url, workspace: identity.workspace,
                                                      principal: identity.principal)
            }
            return JSONResponse.make(.object(["pipeline_name": .string(pipeline.name)]), status: .created)
        }
        group.get("pipelines") { _, context -> Response in
            let identity = try context.user()
            let list = try await pipelines.list(workspaceID: identity.workspace.id)
            return JSONResponse.make(.array(list.map { pipeline, step in
                .object(["pipeline_name": .string(pipeline.name), "created_at": pipeline.createdAt.json,
                         "status": .string(CraftAIStatus.of(step?.status ?? .failed))])
            }))
        }
        group.get("pipelines/:name") { request, context -> Response in
            let identity = try context.user()
            let name = try context.parameters.require("name")
            let (pipeline, step) = request.query("wait_for_completion") == "true"
                ? try await pipelines.waitForCreation(workspaceID: identity.workspace.id, name: name)
                : try await pipelines.get(workspaceID: identity.workspace.id, name: name)
            return JSONResponse.make(CraftAIPresenter.pipeline(pipeline, step: step))
        }
        group.delete("pipelines/:name") { request, context -> Response in
            let identity = try context.user()
            let name = try context.parameters.require("name")
            let (pipeline, deleted) = try await deployments.deletePipeline(
                workspaceID: identity.workspace.id, name: name,
                withDeployments: request.queryBool("force_deployments_deletion"), pipelines: pipelines)
            let removed: [JSONValue] = deleted.map { gone in
                .object(["name": .string(gone.name), "execution_rule": .string(gone.rule.rawValue)])
            }
            return JSONResponse.make(.object(["pipeline": .object(["name": .string(pipeline.name)]),
                                              "deployments": .array(removed)]))
        }
        group.post("pipelines/:name/logs") { request, context -> Response in
            let identity = try context.user()
            let (_, step) = try await pipelines.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            return JSONResponse.make(CraftAIPresenter.logs(try await steps.logs(step: step, query: try await logQuery(request))))
        }
        group.get("pipelines/:name/download") { request, context -> Response in
            let identity = try context.user()
            let (_, step) = try await pipelines.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            return JSONResponse.make(.object(["signed_url": .string(archiveURL(step, request: request))]))
        }
        group.get("pipelines/:name/executions") { _, context -> Response in
            let identity = try context.user()
            let (pipeline, _) = try await pipelines.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            let list = try await executions.list(workspaceID: identity.workspace.id, pipelineName: pipeline.name)
            return JSONResponse.make(.array(list.map(CraftAIPresenter.executionSummary)))
        }
        group.get("pipelines/:name/executions/latest") { _, context -> Response in
            let identity = try context.user()
            let (pipeline, _) = try await pipelines.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            guard let latest = try await executions.latest(workspaceID: identity.workspace.id, pipelineName: pipeline.name) else {
                return JSONResponse.make(.null)
            }
            return JSONResponse.make(CraftAIPresenter.executionSummary(latest))
        }
        group.post("pipelines/:name/run") { request, context -> Response in
            let identity = try context.user()
            let (pipeline, step) = try await pipelines.get(workspaceID: identity.workspace.id,
                                                           name: try context.parameters.require("name"))
            let form = try await forms.read(request)
            defer { form.discardFiles() }
            let runRequest = try Self.runRequest(form)
            let execution = try await executions.run(pipeline: pipeline, step: step, request: runRequest,
                                                     workspace: identity.workspace, principal: identity.principal)
            return JSONResponse.make(.object(["execution_id": .string(execution.id)]), status: .created)
        }
    }

    /// `json_inputs`, `inputs_mapping`, `outputs_mapping` (JSON text fields) and file parts.
    static func runRequest(_ form: FormContent) throws -> RunRequest {
        func json(_ name: String) throws -> JSONValue? {
            guard let text = form.field(name), !text.isEmpty else { return nil }
            guard let value = try? JSONValue.parse(text) else { throw SlipwayError.badRequest("\(name) is not valid JSON") }
            return value
        }
        var values: [String: JSONValue] = [:]
        if let inputs = try json("json_inputs") {
            guard let object = inputs.objectValue else { throw SlipwayError.badRequest("json_inputs must be a JSON object") }
            values = object
        }
        var inputsMapping: [InputMapping] = []
        if let mapping = try json("inputs_mapping") {
            guard let items = mapping.arrayValue else { throw SlipwayError.badRequest("inputs_mapping must be a JSON array") }
            inputsMapping = try items.map { item throws(SlipwayError) in try CraftAIMapping.input(item) }
        }
        var outputsMapping: [OutputMapping] = []
        if let mapping = try json("outputs_mapping") {
            guard let items = mapping.arrayValue else { throw SlipwayError.badRequest("outputs_mapping must be a JSON array") }
            outputsMapping = try items.map { item throws(SlipwayError) in try CraftAIMapping.output(item) }
        }
        return RunRequest(values: values, files: form.files, inputsMapping: inputsMapping, outputsMapping: outputsMapping)
    }
}
