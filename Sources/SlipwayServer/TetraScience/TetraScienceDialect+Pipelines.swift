import Foundation
import Hummingbird
import SlipwayCore

/// Pipelines (a protocol run on every new file that meets a trigger condition) and their
/// workflows, in TetraScience's shape:
///
/// - `POST /v1/pipeline/create` `{"name", "description", "protocolSlug", "protocolVersion",
///   "masterScriptNamespace", "pipelineConfig": {item: literal | {"sharedSetting": name} |
///   {"secret": name}}, "triggerType": "custom", "triggerCondition": …, "status"?}` → 201 the pipeline;
/// - `POST /v1/pipeline/update/{id}` (any of those fields; `"status": "disabled"` disables);
/// - `GET /v1/pipeline/{id}`, `GET /v1/pipeline/search[?name=&status=]` → `{"hits", "total"}`,
///   `DELETE /v1/pipeline/{id}` → 204 (its workflows go with it);
/// - `GET /v1/workflow/search?pipelineId=&status=&filePath=&size=` → `{"hits", "total"}`, newest first;
/// - `GET /v1/workflow/{id}` (steps with status, times, duration, output, error),
///   `GET /v1/workflow/{id}/steps/{stepId}/logs`, `POST /v1/workflow/{id}/retry`.
///
/// A secret in `pipelineConfig` is a reference by name: no answer carries its value.
extension TetraScienceDialect {
    func registerPipelines(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("pipeline/create") { request, context -> Response in
            let (user, workspace) = try context.tetraScienceScope()
            let body = try await request.jsonObject(limit: Self.maxJSONBodyBytes)
            var draft = try await pipelineDraft(body, workspace: workspace, creating: true)
            if draft.enabled == nil { draft.enabled = true }
            let pipeline = try await core.filePipelines.create(draft, workspaceID: workspace.id, by: user.id)
            return JSONResponse.make(try await present(pipeline), status: .created)
        }
        api.post("pipeline/update/:id") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let body = try await request.jsonObject(limit: Self.maxJSONBodyBytes)
            let draft = try await pipelineDraft(body, workspace: workspace, creating: false)
            let pipeline = try await core.filePipelines.update(id: try context.parameters.require("id"), workspaceID: workspace.id, with: draft)
            return JSONResponse.make(try await present(pipeline))
        }
        api.get("pipeline/search") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            var pipelines = try await core.filePipelines.list(workspaceID: workspace.id)
            if let name = request.query("name"), !name.isEmpty { pipelines = pipelines.filter { $0.name == name } }
            if let status = request.query("status"), !status.isEmpty {
                guard let enabled = Self.enabled(status) else { throw SlipwayError.badRequest("'status' must be \"enabled\" or \"disabled\"") }
                pipelines = pipelines.filter { $0.enabled == enabled }
            }
            var hits: [JSONValue] = []
            for pipeline in pipelines { hits.append(try await present(pipeline)) }
            return JSONResponse.make(.object(["hits": .array(hits), "total": .number(Double(hits.count))]))
        }
        api.get("pipeline/:id") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            return JSONResponse.make(try await present(try await core.filePipelines.pipeline(id: try context.parameters.require("id"),
                                                                                                workspaceID: workspace.id)))
        }
        api.delete("pipeline/:id") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            try await core.filePipelines.delete(id: try context.parameters.require("id"), workspaceID: workspace.id)
            return JSONResponse.empty(.noContent)
        }
        api.get("workflow/search") { request, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            var query = FileWorkflowQuery(workspaceID: workspace.id, pipelineID: request.query("pipelineId"),
                                          filePath: request.query("filePath"))
            if let status = request.query("status"), !status.isEmpty {
                guard let parsed = Self.workflowStatus(status) else {
                    throw SlipwayError.badRequest("'status' must be pending, in_progress, completed or failed")
                }
                query.status = parsed
            }
            if let size = request.query("size") {
                guard let limit = Int(size), (1...1000).contains(limit) else { throw SlipwayError.badRequest("'size' must be 1-1000") }
                query.limit = limit
            }
            let workflows = try await core.filePipelines.workflows(query)
            return JSONResponse.make(.object(["hits": .array(workflows.map(Self.present)), "total": .number(Double(workflows.count))]))
        }
        api.get("workflow/:id") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            return JSONResponse.make(Self.present(try await core.filePipelines.workflow(id: try context.parameters.require("id"),
                                                                                        workspaceID: workspace.id)))
        }
        api.get("workflow/:id/steps/:step/logs") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            let workflow = try await core.filePipelines.workflow(id: try context.parameters.require("id"), workspaceID: workspace.id)
            let lines = try await core.filePipelines.stepLog(of: workflow, stepID: try context.parameters.require("step"))
            return JSONResponse.make(.object(["logs": .array(lines.map { line in
                .object(["timestamp": .string(ISO8601DateFormatter().string(from: line.timestamp)),
                         "stream": .string(line.stream.rawValue), "message": .string(line.message)])
            })]))
        }
        api.post("workflow/:id/retry") { _, context -> Response in
            let (_, workspace) = try context.tetraScienceScope()
            return JSONResponse.make(Self.present(try await core.filePipelines.retry(id: try context.parameters.require("id"),
                                                                                     workspaceID: workspace.id)))
        }
    }

    static func enabled(_ status: String) -> Bool? {
        switch status.lowercased() {
        case "enabled", "active": true
        case "disabled", "inactive": false
        default: nil
        }
    }

    /// The fields of a create or update body.
    private func pipelineDraft(_ body: [String: JSONValue], workspace: Workspace, creating: Bool) async throws
        -> FilePipelineService.Draft {
        let known: Set<String> = ["name", "description", "protocolSlug", "protocolVersion", "masterScriptNamespace", "pipelineConfig",
                                  "triggerType", "triggerCondition", "status", "enabled"]
        if let extra = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw SlipwayError.badRequest("'\(NameRules.printable(extra))' is not a pipeline field (fields: \(known.sorted().joined(separator: ", ")))")
        }
        var draft = FilePipelineService.Draft()
        for key in ["name", "description", "protocolSlug", "protocolVersion", "masterScriptNamespace", "triggerType", "status"] {
            if let value = body[key], value.stringValue == nil { throw SlipwayError.badRequest("'\(key)' must be a string") }
        }
        draft.name = body["name"]?.stringValue
        draft.description = body["description"]?.stringValue
        if let type = body["triggerType"]?.stringValue, type != "custom" {
            throw SlipwayError.badRequest("'triggerType' must be \"custom\" (a condition on new files)")
        }
        let slug = body["protocolSlug"]?.stringValue
        let version = body["protocolVersion"]?.stringValue
        let namespace = body["masterScriptNamespace"]?.stringValue
        if slug != nil || version != nil || namespace != nil || creating {
            guard let slug, let version, let namespace else {
                throw SlipwayError.badRequest("'protocolSlug', 'protocolVersion' and 'masterScriptNamespace' name the protocol, all three")
            }
            guard let definition = try await core.codePackages.package(workspaceID: workspace.id, kind: .workflow, namespace: namespace,
                                                                       slug: slug, version: version) else {
                throw SlipwayError.notFound("protocol", "\(namespace)/\(slug)/\(version)")
            }
            draft.definitionID = definition.id
        }
        if let config = body["pipelineConfig"] {
            guard let items = config.objectValue else { throw SlipwayError.badRequest("'pipelineConfig' must be an object") }
            var values: [String: FilePipeline.ConfigValue] = [:]
            for (key, value) in items {
                if let reference = value.objectValue, reference.count == 1, let name = reference["secret"]?.stringValue {
                    values[key] = .secret(name)
                } else if let reference = value.objectValue, reference.count == 1, let name = reference["sharedSetting"]?.stringValue {
                    values[key] = .sharedSetting(name)
                } else {
                    values[key] = .literal(value)
                }
            }
            draft.config = values
        }
        if let condition = body["triggerCondition"] { draft.condition = try TetraTriggerCondition.parse(condition) }
        if let status = body["status"]?.stringValue {
            guard let enabled = Self.enabled(status) else { throw SlipwayError.badRequest("'status' must be \"enabled\" or \"disabled\"") }
            draft.enabled = enabled
        }
        if let flag = body["enabled"] {
            guard case .bool(let enabled) = flag else { throw SlipwayError.badRequest("'enabled' must be true or false") }
            draft.enabled = enabled
        }
        return draft
    }

    private func present(_ pipeline: FilePipeline) async throws -> JSONValue {
        let definition = try await core.codePackages.package(id: pipeline.packageID)
        let config = pipeline.config.mapValues { value -> JSONValue in
            switch value {
            case .literal(let literal): literal
            case .sharedSetting(let name): .object(["sharedSetting": .string(name)])
            case .secret(let name): .object(["secret": .string(name)])
            }
        }
        let dates = ISO8601DateFormatter()
        return .object([
            "id": .string(pipeline.id), "name": .string(pipeline.name), "description": .string(pipeline.description),
            "protocolSlug": definition.map { .string($0.slug) } ?? .null,
            "protocolVersion": definition.map { .string($0.version) } ?? .null,
            "masterScriptNamespace": definition.map { .string($0.namespace) } ?? .null,
            "pipelineConfig": .object(config), "triggerType": .string("custom"),
            "triggerCondition": TetraTriggerCondition.present(pipeline.condition),
            "status": .string(pipeline.enabled ? "enabled" : "disabled"), "createdBy": .string(pipeline.createdBy),
            "createdAt": .string(dates.string(from: pipeline.createdAt)), "updatedAt": .string(dates.string(from: pipeline.updatedAt)),
        ])
    }

    static func workflowStatus(_ text: String) -> FileWorkflow.Status? {
        switch text {
        case "pending": .pending
        case "in_progress", "running": .running
        case "completed", "succeeded": .succeeded
        case "failed": .failed
        default: nil
        }
    }

    static func present(_ status: FileWorkflow.Status) -> String {
        switch status {
        case .pending: "pending"
        case .running: "in_progress"
        case .succeeded: "completed"
        case .failed: "failed"
        }
    }

    static func present(_ workflow: FileWorkflow) -> JSONValue {
        let dates = ISO8601DateFormatter()
        func date(_ value: Date?) -> JSONValue { value.map { .string(dates.string(from: $0)) } ?? .null }
        return .object([
            "id": .string(workflow.id), "pipelineId": .string(workflow.pipelineID), "status": .string(present(workflow.status)),
            "inputFile": .object(["fileKey": .string(workflow.filePath), "fileId": .string(TetraFilePointer.fileID(path: workflow.filePath)),
                                  "version": .string(workflow.fileVersion)]),
            "attempts": .number(Double(workflow.attempts)), "error": workflow.failureReason.map(JSONValue.string) ?? .null,
            "createdAt": date(workflow.createdAt), "startedAt": date(workflow.startedAt), "endedAt": date(workflow.endedAt),
            "steps": .array(workflow.steps.map { step in
                .object([
                    "id": .string(step.id), "status": .string(step.status == .succeeded ? "completed" : step.status.rawValue),
                    "executionId": step.runID.map(JSONValue.string) ?? .null,
                    "startedAt": date(step.startedAt), "endedAt": date(step.endedAt),
                    "durationMs": step.duration.map { .number(($0 * 1000).rounded()) } ?? .null,
                    "output": step.output ?? .null, "error": step.failureReason.map(JSONValue.string) ?? .null,
                    "continuedOnError": .bool(step.failureIgnored),
                ])
            }),
        ])
    }
}
