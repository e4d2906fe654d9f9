import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerDeployments(_ group: RouterGroup<SlipwayRequestContext>) {
        group.post("endpoints") { request, context -> Response in
            try await createDeployment(request, context: context, rule: .endpoint)
        }
        group.post("periodic-deployment") { request, context -> Response in
            try await createDeployment(request, context: context, rule: .periodic)
        }
        group.get("deployments") { _, context -> Response in
            let identity = try context.user()
            let list = try await deployments.list(workspaceID: identity.workspace.id)
            return JSONResponse.make(.array(list.map(CraftAIDeploymentPresenter.summary)))
        }
        group.get("deployments/:name") { request, context -> Response in
            let identity = try context.user()
            let name = try context.parameters.require("name")
            let deployment = request.query("wait_for_completion") == "true"
                ? try await deployments.waitForFinalStatus(workspaceID: identity.workspace.id, name: name)
                : try await deployments.get(workspaceID: identity.workspace.id, name: name)
            return try await deploymentResponse(deployment)
        }
        group.patch("deployments/:name") { request, context -> Response in
            let identity = try context.user()
            let body = try await request.jsonObject(limit: 4 << 20)
            let deployment = try await deployments.update(workspaceID: identity.workspace.id,
                                                          name: try context.parameters.require("name"),
                                                          changes: try CraftAIDeploymentRequest.changes(body),
                                                          principal: identity.principal)
            return try await deploymentResponse(deployment)
        }
        group.delete("deployments/:name") { _, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.delete(workspaceID: identity.workspace.id,
                                                          name: try context.parameters.require("name"))
            return JSONResponse.make(.object(["name": .string(deployment.name),
                                              "execution_rule": .string(deployment.rule.rawValue)]))
        }
        group.get("deployments/:name/executions/latest") { _, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.get(workspaceID: identity.workspace.id,
                                                       name: try context.parameters.require("name"))
            guard let latest = try await deployments.latestExecution(deployment) else { return JSONResponse.make(.null) }
            return JSONResponse.make(CraftAIPresenter.executionSummary(latest))
        }
        group.get("deployments/:name/executions") { _, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.get(workspaceID: identity.workspace.id,
                                                       name: try context.parameters.require("name"))
            let list = try await deployments.executions(of: deployment)
            return JSONResponse.make(.array(list.map(CraftAIPresenter.executionSummary)))
        }
        group.post("deployments/:name/executions") { request, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.get(workspaceID: identity.workspace.id,
                                                       name: try context.parameters.require("name"))
            let (values, files) = try await endpointInputs(request)
            defer { for file in files.values { try? FileManager.default.removeItem(at: file.url) } }
            let (execution, _) = try await deployments.trigger(deployment, values: values, files: files,
                                                               trigger: deployment.rule == .periodic ? .periodic : .endpoint)
            return JSONResponse.make(.object(["execution_id": .string(execution.id)]))
        }
        group.post("deployments/:name/logs") { request, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.get(workspaceID: identity.workspace.id,
                                                       name: try context.parameters.require("name"))
            let lines = try await deployments.logs(deployment, query: try await logQuery(request))
            return JSONResponse.make(CraftAIDeploymentPresenter.logs(lines, deployment: deployment,
                                                                     pods: await deployments.pods(deployment)))
        }
        group.post("endpoints/:name/generate-new-token") { request, context -> Response in
            let identity = try context.user()
            let form = try await forms.read(request)
            defer { form.discardFiles() }
            let given = form.field("endpoint_token").flatMap { $0.isEmpty ? nil : $0 }
            let token = try await deployments.rotateToken(workspaceID: identity.workspace.id,
                                                          name: try context.parameters.require("name"), token: given)
            return JSONResponse.make(.object(["endpoint_token": .string(token)]))
        }
    }

    private func createDeployment(_ request: Request, context: SlipwayRequestContext, rule: ExecutionRule) async throws -> Response {
        let identity = try context.user()
        let body = try await request.jsonObject(limit: 4 << 20)
        let parsed = try CraftAIDeploymentRequest.create(body, rule: rule)
        let deployment = try await deployments.create(parsed, workspace: identity.workspace, principal: identity.principal)
        return try await deploymentResponse(deployment, status: .created)
    }

    func deploymentResponse(_ deployment: Deployment, status: HTTPResponse.Status = .ok) async throws -> Response {
        let step = try await steps.step(id: deployment.stepID)
        let pods = await deployments.pods(deployment)
        return JSONResponse.make(CraftAIDeploymentPresenter.deployment(
            deployment, step: step, token: deployments.endpointToken(of: deployment), pods: pods), status: status)
    }

    /// Inputs of an endpoint call: a JSON object, or multipart where each field is JSON text and
    /// file parts are file inputs. Keys are the endpoint's exposed names.
    func endpointInputs(_ request: Request) async throws -> ([String: JSONValue], [String: UploadedFile]) {
        let type = request.contentType.lowercased()
        if type.hasPrefix("multipart/form-data") {
            var reader = forms
            reader.maxFieldBytes = platform.limits.maxIOBytes + 64 * 1024
            let form = try await reader.read(request)
            var values: [String: JSONValue] = [:]
            do {
                for (name, text) in form.fields {
                    // Each field holds the JSON encoding of its value; bare text is taken as a string.
                    values[name] = (try? JSONValue.parse(text)) ?? .string(text)
                }
            }
            return (values, form.files)
        }
        if !type.isEmpty, !type.hasPrefix("application/json") {
            throw SlipwayError.badRequest("send the inputs as a JSON object (Content-Type: application/json) or as "
                + "multipart/form-data with one file part per file input")
        }
        let body = try await request.collectBody(limit: platform.limits.maxIOBytes + 64 * 1024)
        guard body.readableBytes > 0 else { return ([:], [:]) }
        guard let value = try? JSONValue.parse(body) else {
            throw SlipwayError.badRequest("the request body is not valid JSON")
        }
        guard let object = value.objectValue else {
            throw SlipwayError.badRequest("the request body must be a JSON object of inputs")
        }
        return (object, [:])
    }
}
