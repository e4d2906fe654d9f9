import Foundation
import HTTPTypes
import Hummingbird
import SlipwayCore

/// The public side of endpoint deployments: `POST {ENV}/endpoints/{path}` with
/// `Authorization: EndpointToken …`, and the results at `{ENV}/endpoints/v1/{path}/executions/{id}`.
extension CraftAIDialect {
    func registerEndpoints(on router: Router<SlipwayRequestContext>) {
        for prefix in ["endpoints", "environments/:workspace/endpoints"] {
            let group = router.group(RouterPath(prefix))
            group.get("v1/**") { request, context -> Response in
                try await endpointResult(request, context: context)
            }
            group.post("**") { request, context -> Response in
                try await triggerEndpoint(request, context: context)
            }
        }
    }

    private func publicWorkspace(_ context: SlipwayRequestContext) async throws -> Workspace {
        let name = context.parameters.get("workspace") ?? AccountService.defaultWorkspaceName
        guard let workspace = try await deployments.workspace(named: name) else {
            throw SlipwayError.notFound("environment", name)
        }
        return workspace
    }

    private func environmentBase(_ request: Request, workspace: Workspace) -> String {
        let base = baseURL(for: request)
        return workspace.name == AccountService.defaultWorkspaceName ? base : "\(base)/environments/\(workspace.name)"
    }

    private static let sdkClientHeader = HTTPField.Name("craft-ai-client")!

    private static func endpointToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            // "EndpointToken <token>", the scheme in any case.
            let scheme = "endpointtoken "
            guard header.utf8.count > scheme.utf8.count,
                  zip(header.utf8, scheme.utf8).allSatisfy({ $0 | 0x20 == $1 })
            else { return nil }
            return String(header.dropFirst(scheme.count))
        }
        return request.query("token")
    }

    private func triggerEndpoint(_ request: Request, context: SlipwayRequestContext) async throws -> Response {
        let workspace = try await publicWorkspace(context)
        let path = context.parameters.getCatchAll().joined(separator: "/")
        let deployment = try await deployments.authenticateEndpoint(workspaceID: workspace.id, path: path,
                                                                     token: Self.endpointToken(request))
        let (values, files) = try await endpointInputs(request)
        defer { for file in files.values { try? FileManager.default.removeItem(at: file.url) } }
        // The SDK fetches results itself; it is answered at once, with the execution id.
        let answersAtOnce = request.headers[Self.sdkClientHeader] != nil || request.query("wait_for_completion") == "false"
        let (execution, handle) = try await deployments.trigger(deployment, values: values, files: files, trigger: .endpoint,
                                                                announcesID: answersAtOnce)
        if answersAtOnce {
            return JSONResponse.make(.object(["execution_id": .string(execution.id)]))
        }
        var resultsURL: String { "\(environmentBase(request, workspace: workspace))/endpoints/v1/\(path)/executions/\(execution.id)" }
        guard let result = await handle.result(within: platform.limits.longPollHold) else {
            let resultsURL = resultsURL
            return JSONResponse.make(.object(["execution_id": .string(execution.id), "status": .string("Running"),
                                              "results_url": .string(resultsURL)]),
                                     status: .seeOther, headers: [.location: resultsURL])
        }
        var done = execution
        done.status = result.status
        done.failureMessage = result.failureMessage
        try Self.checkSucceeded(done)
        let outputs = result.outputs.filter { $0.destination.kind == .endpoint }
        if outputs.count == 1, outputs[0].dataType == .file, let blob = outputs[0].fileBlob {
            var response = try await fileResponse(blob: blob, fileName: outputs[0].fileName)
            response.headers[HTTPField.Name("x-execution-id")!] = done.id
            return response
        }
        var results: [String: JSONValue] = [:]
        for output in outputs {
            let name = CraftAIMapping.endpointName(of: output)
            results[name] = output.dataType == .file
                ? .object(["url": .string("\(resultsURL)/outputs/\(name)")]) : (output.value ?? .null)
        }
        return JSONResponse.make(.object(["execution_id": .string(done.id), "status": .string(CraftAIStatus.of(done.status)),
                                          "outputs": .object(results)]))
    }

    static func checkSucceeded(_ execution: Execution) throws {
        guard execution.status == .failed || execution.status == .error else { return }
        throw SlipwayError(.unprocessable, "execution '\(execution.id)' \(execution.status == .failed ? "failed" : "could not run"): "
            + "\(execution.failureMessage ?? "unknown reason")",
            details: .object(["execution_id": .string(execution.id), "status": .string(CraftAIStatus.of(execution.status))]))
    }

    /// `GET {ENV}/endpoints/v1/{path}/executions/{id}[/outputs/{name}]?token=…`
    private func endpointResult(_ request: Request, context: SlipwayRequestContext) async throws -> Response {
        let workspace = try await publicWorkspace(context)
        var segments = context.parameters.getCatchAll().map(String.init)
        var outputName: String?
        if segments.count >= 4, segments[segments.count - 2] == "outputs" {
            outputName = segments.removeLast()
            segments.removeLast()
        }
        guard segments.count >= 3, segments[segments.count - 2] == "executions" else {
            throw SlipwayError.notFound("endpoint resource", segments.joined(separator: "/"))
        }
        let id = segments.removeLast()
        segments.removeLast()
        let path = segments.joined(separator: "/")
        let deployment = try await deployments.authenticateEndpoint(workspaceID: workspace.id, path: path,
                                                                     token: Self.endpointToken(request))
        var execution = try await executions.get(workspaceID: workspace.id, id: id)
        guard execution.deploymentName == deployment.name else { throw SlipwayError.notFound("execution", id) }
        if !execution.status.isFinal {
            execution = try await executions.waitForCompletion(workspaceID: workspace.id, id: id)
            if !execution.status.isFinal {
                return JSONResponse.make(.object(["execution_id": .string(id), "status": .string(CraftAIStatus.of(execution.status))]),
                                         status: .temporaryRedirect, headers: [.location: request.uri.description])
            }
        }
        try Self.checkSucceeded(execution)
        let outputs = try await executions.outputs(of: execution).filter { $0.destination.kind == .endpoint }
        if let outputName {
            guard let output = outputs.first(where: { CraftAIMapping.endpointName(of: $0) == outputName }),
                  output.dataType == .file, let blob = output.fileBlob
            else { throw SlipwayError.notFound("file output", outputName) }
            return try await fileResponse(blob: blob, fileName: output.fileName)
        }
        let base = "\(environmentBase(request, workspace: workspace))/endpoints/v1/\(path)/executions/\(id)"
        var values: [String: JSONValue] = [:]
        for output in outputs {
            let name = CraftAIMapping.endpointName(of: output)
            values[name] = output.dataType == .file
                ? .object(["url": .string("\(base)/outputs/\(name)")]) : .object(["value": output.value ?? .null])
        }
        return JSONResponse.make(.object(["execution_id": .string(id), "status": .string(CraftAIStatus.of(execution.status)),
                                          "outputs": .object(values)]))
    }
}
