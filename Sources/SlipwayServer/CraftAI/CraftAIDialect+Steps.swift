import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerSteps(_ group: RouterGroup<SlipwayRequestContext>) {
        group.post("steps") { request, context -> Response in
            let identity = try context.user()
            let form = try await archiveForms.read(request)
            defer { form.discardFiles() }
            let draft = try CraftAIStepDraft.parse(form.fields, nameField: "step_name")
            let step = try await steps.create(draft, archive: form.files["step_file"]?.url, workspace: identity.workspace,
                                              principal: identity.principal)
            return JSONResponse.make(.object(["step_name": .string(step.name), "status": .string(CraftAIStatus.of(step.status))]),
                                     status: .created)
        }
        group.get("steps") { _, context -> Response in
            let identity = try context.user()
            let list = try await steps.list(workspaceID: identity.workspace.id)
            return JSONResponse.make(.array(list.map { step in
                .object(["step_name": .string(step.name), "status": .string(CraftAIStatus.of(step.status)),
                         "created_at": step.createdAt.json, "updated_at": step.updatedAt.json])
            }))
        }
        group.get("steps/:name") { request, context -> Response in
            let identity = try context.user()
            var step = try await steps.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            if request.query("wait_for_completion") == "true" { step = try await steps.waitForCreation(step) }
            return JSONResponse.make(CraftAIPresenter.step(step))
        }
        group.delete("steps/:name") { request, context -> Response in
            let identity = try context.user()
            let step = try await steps.delete(workspaceID: identity.workspace.id, name: try context.parameters.require("name"),
                                              force: request.queryBool("force_dependents_deletion"), pipelines: pipelines)
            return JSONResponse.make(.object(["step_name": .string(step.name)]))
        }
        group.post("steps/:name/logs") { request, context -> Response in
            let identity = try context.user()
            let step = try await steps.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            return JSONResponse.make(CraftAIPresenter.logs(try await steps.logs(step: step, query: try await logQuery(request))))
        }
        group.get("steps/:name/download") { request, context -> Response in
            let identity = try context.user()
            let step = try await steps.get(workspaceID: identity.workspace.id, name: try context.parameters.require("name"))
            return JSONResponse.make(.object(["signed_url": .string(archiveURL(step, request: request))]))
        }
    }

    func archiveURL(_ step: Step, request: Request) -> String {
        let token = signer.sign(.init(op: "archive", workspaceID: step.workspaceID, blob: step.archiveBlob,
                                      expires: Int64(Date().timeIntervalSince1970) + 3600))
        return "\(baseURL(for: request))/presigned/archive?token=\(token)"
    }

    /// `{from?, to?, limit?}` with millisecond timestamps.
    func logQuery(_ request: Request) async throws -> LogQuery {
        let body = try await request.jsonObject(limit: 64 * 1024)
        func date(_ key: String) throws -> Date? {
            guard let value = body[key], !value.isNull else { return nil }
            guard case .number(let ms) = value else { throw SlipwayError.badRequest("\(key) must be a number of milliseconds") }
            return Date(timeIntervalSince1970: ms / 1000)
        }
        var limit: Int?
        if let value = body["limit"], !value.isNull {
            guard case .number(let number) = value, number >= 0 else { throw SlipwayError.badRequest("limit must be a positive number") }
            limit = Int(number)
        }
        return LogQuery(from: try date("from"), to: try date("to"), limit: limit)
    }
}
