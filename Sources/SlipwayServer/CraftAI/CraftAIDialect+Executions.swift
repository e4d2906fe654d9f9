import Foundation
import Hummingbird
import NIOCore
import SlipwayCore

extension CraftAIDialect {
    func registerExecutions(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("executions/:id") { request, context -> Response in
            let identity = try context.user()
            let execution = try await executions.get(workspaceID: identity.workspace.id, id: try context.parameters.require("id"))
            let step = try await steps.step(id: execution.stepID)
            return JSONResponse.make(CraftAIPresenter.execution(
                execution, step: step, inputs: try await executions.inputs(of: execution),
                outputs: try await executions.outputs(of: execution),
                includeValues: request.query("include_io_values") != "false"))
        }
        group.delete("executions/:id") { _, context -> Response in
            let identity = try context.user()
            let execution = try await executions.delete(workspaceID: identity.workspace.id, id: try context.parameters.require("id"))
            return JSONResponse.make(.object(["execution_id": .string(execution.id)]))
        }
        group.post("executions/:id/logs") { request, context -> Response in
            let identity = try context.user()
            let execution = try await executions.get(workspaceID: identity.workspace.id, id: try context.parameters.require("id"))
            let lines = try await executions.logs(of: execution, query: try await logQuery(request))
            return JSONResponse.make(.array([CraftAIPresenter.logs(lines)]))
        }
        group.get("executions/:id/outputs") { request, context -> Response in
            let identity = try context.user()
            let id = try context.parameters.require("id")
            var execution = try await executions.get(workspaceID: identity.workspace.id, id: id)
            if request.query("wait_for_completion") == "true" {
                execution = try await executions.waitForCompletion(workspaceID: identity.workspace.id, id: id)
                if !execution.status.isFinal {
                    return JSONResponse.make(.object(["execution_id": .string(id), "status": .string(CraftAIStatus.of(execution.status))]),
                                             status: .temporaryRedirect, headers: [.location: request.uri.description])
                }
            }
            if execution.status == .failed || execution.status == .error {
                throw SlipwayError(.unprocessable, "execution '\(id)' \(execution.status == .failed ? "failed" : "could not run"): "
                    + "\(execution.failureMessage ?? "unknown reason"); see get_pipeline_execution_logs",
                    details: .object(["execution_id": .string(id), "status": .string(CraftAIStatus.of(execution.status))]))
            }
            let outputs = try await executions.outputs(of: execution)
            return JSONResponse.make(.object(["execution_id": .string(id), "status": .string(CraftAIStatus.of(execution.status)),
                                              "outputs": .array(outputs.map { output in
                .object(["pipeline_output_name": .string(output.name), "data_type": .string(output.dataType.rawValue),
                         "mapping_type": .string(CraftAIMapping.type(of: output.destination)),
                         "mapping_value": .object(CraftAIMapping.value(of: output.destination, output: output.name)),
                         "value": output.dataType == .file ? .null : (output.value ?? .null)])
            })]))
        }
        group.get("executions/:id/outputs/:name") { _, context -> Response in
            let identity = try context.user()
            let execution = try await executions.get(workspaceID: identity.workspace.id, id: try context.parameters.require("id"))
            let name = try context.parameters.require("name")
            guard let output = try await executions.outputs(of: execution).first(where: { $0.name == name }) else {
                throw SlipwayError.notFound("output", name)
            }
            if output.dataType == .file {
                guard let blob = output.fileBlob else { return JSONResponse.make(.null) }
                return try await fileResponse(blob: blob)
            }
            return JSONResponse.make(output.value ?? .null)
        }
        group.get("executions/:id/inputs/:name") { _, context -> Response in
            let identity = try context.user()
            let execution = try await executions.get(workspaceID: identity.workspace.id, id: try context.parameters.require("id"))
            let name = try context.parameters.require("name")
            guard let input = try await executions.inputs(of: execution).first(where: { $0.name == name }) else {
                throw SlipwayError.notFound("input", name)
            }
            if input.dataType == .file {
                var blob = input.fileBlob
                if let path = input.source.dataStorePath {
                    blob = try? await dataStore.information(workspaceID: identity.workspace.id, path: path).blob
                }
                guard let blob else { return JSONResponse.make(.null) }
                return try await fileResponse(blob: blob)
            }
            return JSONResponse.make(input.value ?? .null)
        }
    }

    /// Streams a blob as `application/octet-stream`.
    func fileResponse(blob: String, fileName: String? = nil) async throws -> Response {
        try await BlobResponse.make(platform.blobs, key: blob, fileName: fileName)
    }
}
