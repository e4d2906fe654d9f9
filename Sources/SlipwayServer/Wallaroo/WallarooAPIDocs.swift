import Foundation
import Hummingbird
import SlipwayCore

/// The OpenAPI document of the Wallaroo routes, served at `/v1/api/docs` (HTML) and
/// `/v1/api/docs/openapi.json`. Its paths are read from the router after the dialect registered
/// its routes, so a route cannot be served without being listed; what each route takes is in
/// `operations`, and a route missing there is listed with a note saying so (a server test keeps
/// the table complete).
enum WallarooAPIDocs {
    struct Field {
        var name: String
        var type: String
        var required: Bool
        var about: String

        init(_ name: String, _ type: String, _ required: Bool = false, _ about: String = "") {
            self.name = name
            self.type = type
            self.required = required
            self.about = about
        }
    }

    struct Operation {
        var summary: String
        var fields: [Field]
        var body: String = "application/json"
    }

    static let operations: [String: Operation] = [
        "/auth/realms/master/protocol/openid-connect/token": Operation(
            summary: "Keycloak-compatible token endpoint (HTTP Basic client authentication)",
            fields: [Field("grant_type", "string", true, "password, refresh_token or client_credentials"),
                     Field("username", "string"), Field("password", "string"), Field("refresh_token", "string"),
                     Field("scope", "string", false, "offline_access for a long-lived session")],
            body: "application/x-www-form-urlencoded"),
        "/auth/realms/master/protocol/openid-connect/logout": Operation(
            summary: "End the session of a refresh token", fields: [Field("refresh_token", "string", true)],
            body: "application/x-www-form-urlencoded"),
        "/auth/realms/master/protocol/openid-connect/certs": Operation(summary: "Public keys of access tokens (JWKS)", fields: []),
        "/v1/api/features/list": Operation(summary: "Enabled features and the instance name", fields: []),
        "/v1/api/users/query": Operation(summary: "Users, keyed by user id", fields: [Field("user_ids", "array")]),
        "/v1/api/users/invite": Operation(summary: "Create a user (administrators)",
                                          fields: [Field("email", "string", true), Field("password", "string")]),
        "/v1/api/users/activate": Operation(summary: "Allow a user to sign in again", fields: [Field("email", "string", true)]),
        "/v1/api/users/deactivate": Operation(summary: "Stop a user from signing in", fields: [Field("email", "string", true)]),
        "/v1/api/workspaces/list": Operation(summary: "Workspaces of the caller (or of user_id)", fields: [Field("user_id", "string")]),
        "/v1/api/workspaces/create": Operation(summary: "Create a workspace owned by the caller",
                                               fields: [Field("workspace_name", "string", true)]),
        "/v1/api/workspaces/add_user": Operation(summary: "Add a collaborator (owners)",
                                                 fields: [Field("email", "string", true), Field("workspace_id", "integer", true)]),
        "/v1/api/workspaces/remove_user": Operation(
            summary: "Remove a member (owners)",
            fields: [Field("workspace_id", "integer", true), Field("user_id", "string"), Field("email", "string")]),
        "/v1/api/workspaces/list_users": Operation(summary: "Members and their roles",
                                                   fields: [Field("workspace_id", "integer", true)]),
        "/v1/api/models/upload_and_convert": Operation(
            summary: "Upload a model version: a `metadata` JSON part (name, visibility, workspace_id, conversion) and a `file` part",
            fields: [Field("metadata", "string", true, "JSON"), Field("file", "binary", true)], body: "multipart/form-data"),
        "/v1/api/models/upload_stream": Operation(
            summary: "Upload a model version from a raw body (query: name, filename, visibility, workspace_id) or a form",
            fields: [Field("name", "string", true), Field("filename", "string", true), Field("visibility", "string"),
                     Field("workspace_id", "integer", true)], body: "application/octet-stream"),
        "/v1/api/models/list": Operation(summary: "Models of a workspace, newest first",
                                         fields: [Field("workspace_id", "integer", true)]),
        "/v1/api/models/get_by_id": Operation(summary: "One model", fields: [Field("id", "integer", true)]),
        "/v1/api/models/get": Operation(summary: "One model with its versions", fields: [Field("id", "integer", true)]),
        "/v1/api/models/list_versions": Operation(
            summary: "Versions of a model, oldest first",
            fields: [Field("model_id", "string", false, "model name"), Field("models_pk_id", "integer", true)]),
        "/v1/api/models/get_config_by_id": Operation(summary: "Runtime configuration of a model's latest version",
                                                     fields: [Field("model_id", "integer", true)]),
        "/v1/api/models/create_registry": Operation(
            summary: "Connect an MLflow model registry (its token is sealed at rest and only shown masked)",
            fields: [Field("workspace_id", "integer", true), Field("name", "string", true),
                     Field("url", "string", true, "http(s) URL of the tracking server"), Field("token", "string", false)]),
        "/v1/api/models/attach_registry_to_workspace": Operation(
            summary: "Attach a registry to a workspace",
            fields: [Field("registry_id", "string", true, "or `id`"), Field("workspace_id", "integer", true)]),
        "/v1/api/models/remove_registry_from_workspace": Operation(
            summary: "Detach a registry from a workspace (the registry stays)",
            fields: [Field("registry_id", "string", true, "or `id`"), Field("workspace_id", "integer", true)]),
        "/v1/api/models/get_registry": Operation(summary: "One registry, token masked",
                                                 fields: [Field("registry_id", "string", true, "or `id`")]),
        "/v1/api/models/list_registries": Operation(summary: "The registries attached to a workspace, tokens masked",
                                                    fields: [Field("workspace_id", "integer", true, "or `workspace-id`")]),
        "/v1/api/models/list_registry_models": Operation(summary: "The registry's registered models with their latest versions",
                                                         fields: [Field("registry_id", "string", true, "or `id`")]),
        "/v1/api/models/list_registry_model_version_artifacts": Operation(
            summary: "The files of a registered model version",
            fields: [Field("registry_id", "string", true), Field("name", "string", true), Field("version", "string", true)]),
        "/v1/api/models/upload_from_registry": Operation(
            summary: "Import a version's file (its full_path) or its whole MLflow model folder (its source) as a model",
            fields: [Field("registry_id", "string", true), Field("name", "string", true), Field("path", "string", true),
                     Field("visibility", "string", true), Field("workspace_id", "integer", true),
                     Field("conversion", "object", true, "framework, python_version, requirements"),
                     Field("input_schema", "string", false), Field("output_schema", "string", false)]),
        "/v1/api/connections/create": Operation(
            summary: "Create a connection to an external data source, attached to no workspace (details sealed at rest)",
            fields: [Field("name", "string", true, "lowercase letters, digits and '-', unique on the server"),
                     Field("type", "string", true, "free text, e.g. BIGQUERY"),
                     Field("details", "object", true, "settings and credentials; a value may be {\"$secret\": \"<name>\"}")]),
        "/v1/api/connections/add_to_workspace": Operation(
            summary: "Attach a connection to a workspace; answers the attachment's id",
            fields: [Field("workspace_id", "integer", true), Field("connection_id", "string", true)]),
        "/v1/api/connections/list": Operation(summary: "The connections attached to a workspace, details masked",
                                              fields: [Field("workspace_id", "integer", true)]),
        "/v1/api/connections/get": Operation(summary: "One connection by name, details masked",
                                             fields: [Field("name", "string", true)]),
        "/v1/api/connections/get_by_id": Operation(summary: "One connection by id (or name), details masked",
                                                   fields: [Field("id", "string", true)]),
        "/v1/api/connections/remove_from_workspace": Operation(
            summary: "Detach a connection from a workspace (204)",
            fields: [Field("workspace_id", "integer", true), Field("connection_id", "string", true)]),
        "/v1/api/connections/delete": Operation(summary: "Delete a connection attached to no workspace (204; 409 while attached)",
                                                fields: [Field("name", "string", true)]),
        "/v1/api/orchestration/upload": Operation(
            summary: "Upload an orchestration: a `file` part (ZIP with a main.py and at most one requirements.txt) and a "
                + "`metadata` part {workspace_id}; answers {id} and packages its environment in the background",
            fields: [Field("metadata", "string", true, "JSON"), Field("file", "binary", true)], body: "multipart/form-data"),
        "/v1/api/orchestration/list": Operation(
            summary: "A workspace's orchestrations: id, sha, name, file_name, task_id, owner_id, status (packaging|ready|error)",
            fields: [Field("workspace_id", "integer", true)]),
        "/v1/api/orchestration/get_by_id": Operation(summary: "One orchestration", fields: [Field("id", "string", true)]),
        "/v1/api/task/run_once": Operation(
            summary: "Run an orchestration's main.py once (wallaroo.task_args() reads `json`); answers {id}",
            fields: [Field("workspace_id", "integer", true), Field("orch_id", "string", true), Field("json", "object"),
                     Field("name", "string"), Field("timeout", "integer")]),
        "/v1/api/task/run_scheduled": Operation(
            summary: "Run an orchestration's main.py at every slot of a cron `schedule` (UTC) until killed; answers {id}",
            fields: [Field("workspace_id", "integer", true), Field("orch_id", "string", true), Field("schedule", "string", true),
                     Field("json", "object"), Field("name", "string"), Field("timeout", "integer")]),
        "/v1/api/task/get_by_id": Operation(summary: "One task", fields: [Field("id", "string", true)]),
        "/v1/api/task/get_tasks_by_orch_sha": Operation(summary: "The ids of the tasks of orchestrations with this sha: {ids}",
                                                        fields: [Field("sha", "string", true)]),
        "/v1/api/task/list": Operation(summary: "A workspace's tasks, newest first", fields: [Field("workspace_id", "integer", true)]),
        "/v1/api/task/kill": Operation(summary: "Stop a task's future runs and the one running (status pending_kill)",
                                       fields: [Field("id", "string", true)]),
        "/v1/api/task/list_task_runs": Operation(
            summary: "A task's runs, newest first: [{task, run_id, status (running|failure|success), created_at, updated_at}]",
            fields: [Field("task_id", "string", true), Field("status", "string"), Field("limit", "integer")]),
        "/v1/api/task/get_logs_for_run": Operation(summary: "A run's output as CRI lines: {logs: [\"<time> stdout F <text>\"]}",
                                                   fields: [Field("id", "string", true), Field("lines", "integer")]),
        "/v1/api/pipelines/create": Operation(
            summary: "Create a pipeline, or a new version of it (ModelInference, RandomSplit, ShadowDeploy steps)",
            fields: [Field("pipeline_id", "string", true, "pipeline name"), Field("workspace_id", "integer", true),
                     Field("definition", "object", true)]),
        "/v1/api/pipelines/deploy": Operation(
            summary: "Deploy a pipeline version (replicas are worker processes per model)",
            fields: [Field("deploy_id", "string", true), Field("pipeline_id", "integer", true),
                     Field("pipeline_version_pk_id", "integer"), Field("models", "array"), Field("model_ids", "array"),
                     Field("model_configs", "array"), Field("engine_config", "object")]),
        "/v1/api/pipelines/undeploy": Operation(
            summary: "Stop a deployment", fields: [Field("pipeline_id", "integer"), Field("deployment_id", "integer", true)]),
        "/v1/api/pipelines/copy": Operation(
            summary: "Copy a pipeline (optionally deploying the copy)",
            fields: [Field("name", "string", true), Field("workspace_id", "integer", true),
                     Field("source_pipeline", "integer", true), Field("deploy", "string"), Field("engine_config", "object"),
                     Field("pipeline_version", "string")]),
        "/v1/api/status/get_deployment": Operation(summary: "Status of a deployment named `<deploy_id>-<id>`",
                                                   fields: [Field("name", "string", true)]),
        "/v1/api/admin/get_pipeline_external_url": Operation(
            summary: "Inference URL of a pipeline's deployment",
            fields: [Field("workspace_id", "integer", true), Field("pipeline_name", "string", true)]),
        "/v1/api/pipelines/infer/{deployment}/{pipeline}": Operation(
            summary: "Inference: pandas-records JSON or an Arrow IPC file in, the same format out",
            fields: [], body: "application/json; format=pandas-records"),
        "/v1/api/pipelines/get_logs": Operation(
            summary: "Inference log records (Accept: Arrow or pandas-records; x-iteration-cursor / x-iteration-status headers)",
            fields: [Field("pipeline_id", "string", true, "pipeline name"), Field("workspace_id", "integer", true),
                     Field("cursor", "string"), Field("order", "string", false, "Asc or Desc"), Field("page_size", "integer"),
                     Field("start_time", "string"), Field("end_time", "string"), Field("dataset", "array")]),
        "/v1/api/pipelines/import_logs": Operation(
            summary: "Load historical inference records ({time, in, out}); an Arrow IPC body takes the other fields as query parameters",
            fields: [Field("workspace_id", "integer", true), Field("pipeline_id", "string", true, "pipeline name"),
                     Field("model_name", "string", true), Field("records", "array", true)]),
        "/v1/api/assays/create": Operation(
            summary: "Create an assay (drift check) on a pipeline's input or output",
            fields: assayFields),
        "/v1/api/assays/list": Operation(summary: "A pipeline's assays, newest first",
                                         fields: [Field("pipeline_id", "integer", true)]),
        "/v1/api/assays/set_active": Operation(summary: "Activate or pause an assay's scheduled runs",
                                               fields: [Field("id", "integer", true), Field("active", "boolean", true)]),
        "/v1/api/assays/run_interactive_baseline": Operation(summary: "The baseline compared with itself (nothing stored)",
                                                             fields: assayFields),
        "/v1/api/assays/run_interactive": Operation(summary: "Every closed window analysed now (nothing stored)",
                                                    fields: assayFields),
        "/v1/api/assays/get_baseline": Operation(
            summary: "Flattened inference records of a pipeline, oldest first",
            fields: [Field("workspace_id", "integer", true), Field("pipeline_name", "string", true), Field("start", "string"),
                     Field("end", "string"), Field("model_name", "string"), Field("limit", "integer")]),
        "/v1/api/assays/get_results": Operation(
            summary: "Stored results of an assay's scheduled runs, oldest window first",
            fields: [Field("assay_id", "integer", true), Field("start", "string"), Field("end", "string"),
                     Field("limit", "integer"), Field("pipeline_id", "integer")]),
        "/v1/api/assays/get_alerts": Operation(
            summary: "Slipway: scheduled results at or above their alert threshold in a workspace, newest first",
            fields: [Field("workspace_id", "integer", true), Field("limit", "integer")]),
        "/v1/api/assays/summarize": Operation(summary: "Summary and bins of a list of values",
                                              fields: [Field("summarizer", "object", true), Field("values", "array", true)]),
    ]

    static let assayFields = [
        Field("id", "integer", false, "the stored assay, for interactive runs"), Field("name", "string", true),
        Field("pipeline_id", "integer", true), Field("pipeline_name", "string", true), Field("active", "boolean", true),
        Field("iopath", "string", true, "input|output <field> <index>"),
        Field("baseline", "object", true, "{\"Fixed\": {pipeline, model, start_at, end_at}} or {\"Static\": {values}}"),
        Field("window", "object", true, "{pipeline, model, width, start, interval}"), Field("summarizer", "object", true),
        Field("warning_threshold", "number"), Field("alert_threshold", "number", true), Field("run_until", "string"),
        Field("workspace_id", "integer", true),
    ]

    /// `:name` path parameters written as OpenAPI's `{name}`.
    static func openAPIPath(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    static func document(routes: [(method: String, path: String)]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            let path = openAPIPath(route.path)
            guard path.hasPrefix("/v1/api") || path.hasPrefix("/auth") else { continue }
            let operation = operations[path]
            var entry: [String: JSONValue] = [
                "summary": .string(operation?.summary ?? "(not described)"),
                "responses": .object([
                    "200": .object(["description": .string("Success")]),
                    "400": .object(["description": .string("Invalid request: {\"code\", \"status\": \"error\", \"error\"}")]),
                    "401": .object(["description": .string("Missing or invalid access token")]),
                ]),
            ]
            let parameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name in
                JSONValue.object(["name": .string(String(name.dropFirst().dropLast())), "in": .string("path"),
                                  "required": .bool(true), "schema": .object(["type": .string("string")])])
            }
            if !parameters.isEmpty { entry["parameters"] = .array(parameters) }
            if let operation, route.method == "POST" {
                var properties: [String: JSONValue] = [:]
                for field in operation.fields {
                    var schema: [String: JSONValue] = field.type == "binary"
                        ? ["type": .string("string"), "format": .string("binary")] : ["type": .string(field.type)]
                    if !field.about.isEmpty { schema["description"] = .string(field.about) }
                    properties[field.name] = .object(schema)
                }
                let required = operation.fields.filter(\.required).map { JSONValue.string($0.name) }
                entry["requestBody"] = .object(["content": .object([operation.body: .object(["schema": .object([
                    "type": .string("object"), "properties": .object(properties), "required": .array(required),
                ])])])])
            }
            if !path.hasPrefix("/auth") { entry["security"] = .array([.object(["bearer": .array([])])]) }
            var methods = paths[path]?.objectValue ?? [:]
            methods[route.method.lowercased()] = .object(entry)
            paths[path] = .object(methods)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("Slipway — Wallaroo MLOps API"), "version": .string("1")]),
            "paths": .object(paths),
            "components": .object(["securitySchemes": .object(["bearer": .object([
                "type": .string("http"), "scheme": .string("bearer"), "bearerFormat": .string("JWT"),
            ])])]),
        ])
    }

    /// A readable page of the same document: one row per route.
    static func html(_ document: JSONValue) -> String {
        let escape = MarkupEscaping.escape
        var rows = ""
        for (path, methods) in (document.objectValue?["paths"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (method, operation) in (methods.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let summary = operation.objectValue?["summary"]?.stringValue ?? ""
                var fields = ""
                if let schema = operation.objectValue?["requestBody"]?.objectValue?["content"]?.objectValue?.values.first?
                    .objectValue?["schema"]?.objectValue {
                    let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
                    fields = (schema["properties"]?.objectValue ?? [:]).keys.sorted()
                        .map { required.contains($0) ? "<b>\(escape($0))</b>" : escape($0) }.joined(separator: ", ")
                }
                rows += "<tr><td><code>\(method.uppercased())</code></td><td><code>\(escape(path))</code></td>"
                    + "<td>\(escape(summary))</td><td>\(fields)</td></tr>\n"
            }
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slipway — Wallaroo MLOps API</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style></head><body>
            <h1>Wallaroo MLOps API</h1><p>Machine-readable: <a href="/v1/api/docs/openapi.json">openapi.json</a>.
            Every call is a JSON <code>POST</code> with <code>Authorization: Bearer &lt;token&gt;</code>; required
            fields are in bold.</p>
            <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Fields</th></tr></thead><tbody>
            \(rows)</tbody></table></body></html>
            """
    }
}
