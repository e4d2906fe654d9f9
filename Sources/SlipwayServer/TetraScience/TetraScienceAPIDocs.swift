import Foundation
import SlipwayCore

/// The OpenAPI document of the TetraScience routes, served at `/v1/tetrascience/docs` (HTML)
/// and `/v1/tetrascience/docs/openapi.json`. Its paths are read from the router after the
/// dialect registered its routes, so a route cannot be served unlisted; what each takes and
/// answers is in `operations` (a server test keeps the table complete).
enum TetraScienceAPIDocs {
    struct Operation {
        var summary: String
        /// The JSON body's fields (name → about), none for routes without a body.
        var body: [(name: String, about: String)] = []
        /// A body that is not JSON: what it is (sent as `application/octet-stream`).
        var rawBody: String?
        /// The success status and what it carries.
        var answer: (status: Int, about: String)
    }

    static let settingShape = "{id, name, type: \"setting\", value, version, createdAt, updatedAt, lastModifiedBy}"
    static let secretShape = "{id, name, type: \"secret\", version, createdAt, updatedAt, lastModifiedBy} (never the value)"

    /// Keyed by "METHOD path".
    static let operations = settingsOperations.merging(artifactOperations) { first, _ in first }
        .merging(pipelineOperations) { first, _ in first }.merging(runtimeOperations) { first, _ in first }

    static let pipelineShape = "{id, name, description, protocolSlug, protocolVersion, masterScriptNamespace, pipelineConfig, "
        + "triggerType, triggerCondition, status, createdBy, createdAt, updatedAt}"
    static let workflowShape = "{id, pipelineId, status: pending|in_progress|completed|failed, inputFile, attempts, error, createdAt, "
        + "startedAt, endedAt, steps: [{id, status, executionId, startedAt, endedAt, durationMs, output, error, continuedOnError}]}"
    static let pipelineFields: [(name: String, about: String)] = [
        ("name", "1-128 characters, unique in the organization"), ("description", "text"),
        ("protocolSlug, protocolVersion, masterScriptNamespace", "the stored protocol to run"),
        ("pipelineConfig", "{item: literal | {\"sharedSetting\": name} | {\"secret\": name}} for the protocol's config items"),
        ("triggerType", "\"custom\""),
        ("triggerCondition", "{groupOperator: AND|OR, groups: [{key: filePath|fileCategory|label:<name>|metadata:<key>, operator, value} or a group]}"),
        ("status", "enabled (default) or disabled"),
    ]

    static let pipelineOperations: [String: Operation] = [
        "POST /v1/pipeline/create": Operation(summary: "Create a pipeline: its protocol runs on every new file that meets the condition",
                                              body: pipelineFields, answer: (201, pipelineShape)),
        "POST /v1/pipeline/update/{id}": Operation(summary: "Change a pipeline (any of the create fields; status disabled stops it)",
                                                   body: pipelineFields, answer: (200, pipelineShape)),
        "GET /v1/pipeline/{id}": Operation(summary: "One pipeline", answer: (200, pipelineShape)),
        "GET /v1/pipeline/search": Operation(summary: "The organization's pipelines (?name=, ?status=enabled|disabled)",
                                             answer: (200, "{hits: [\(pipelineShape)], total}")),
        "DELETE /v1/pipeline/{id}": Operation(summary: "Delete a pipeline and its workflows", answer: (204, "no body")),
        "GET /v1/workflow/search": Operation(summary: "Workflows, newest first (?pipelineId=, ?status=, ?filePath=, ?size= 1-1000)",
                                             answer: (200, "{hits: [\(workflowShape)], total}")),
        "GET /v1/workflow/{id}": Operation(summary: "One workflow with its steps", answer: (200, workflowShape)),
        "GET /v1/workflow/{id}/steps/{step}/logs": Operation(summary: "The log of a step's latest attempt (secrets masked)",
                                                             answer: (200, "{logs: [{timestamp, stream, message}]}")),
        "POST /v1/workflow/{id}/retry": Operation(summary: "Run a failed workflow again from its first unfinished step",
                                                  answer: (200, workflowShape)),
    ]

    static let pointerShape = "{type: \"s3file\", bucket, fileKey, fileId, version}"
    static let fileInfoShape = "{fileId, file: \(pointerShape), category, size, lastModified, metadata, customMetadata, customTags, labels}"

    static let runtimeOperations: [String: Operation] = [
        "POST /v1/datalake/upload": Operation(summary: "Store a file at ?filePath= (?category= RAW by default; attributes in "
                                                  + "X-Slipway-File-Attributes: {customMetadata, customTags, labels})",
                                              rawBody: "the file's bytes", answer: (201, "{file: \(pointerShape)}")),
        "GET /v1/task-runtime/file": Operation(summary: "A file's bytes (?fileKey= or ?fileId=), described in X-Slipway-File",
                                               answer: (200, "the bytes")),
        "POST /v1/task-runtime/file": Operation(summary: "A task script writes a file (?fileName=, ?category=IDS|PROCESSED|TMP) to "
                                                    + "<CATEGORY>/<input file's folder>/<name>; If-Match / If-None-Match: * make it conditional",
                                                rawBody: "the file's bytes", answer: (201, "{file: \(pointerShape)}")),
        "POST /v1/task-runtime/file/metadata": Operation(summary: "Merge custom metadata and tags into a file (?fileId=)",
                                                         body: [("customMetadata", "{key: string}"), ("customTags", "[string]")],
                                                         answer: (200, "{file: \(pointerShape)}")),
        "POST /v1/task-runtime/file/presigned-url": Operation(summary: "A signed download URL of a file (?fileId=, ?ttl= 1-3600 s)",
                                                              answer: (200, "{url}")),
        "GET /v1/fileinfo/file/{id}": Operation(summary: "A file's description", answer: (200, fileInfoShape)),
        "GET /v1/fileinfo/files/{id}/labels": Operation(summary: "A file's labels", answer: (200, "[{id, name, value}]")),
        "POST /v1/fileinfo/files/{id}/labels": Operation(summary: "Add labels to a file", rawBody: "a JSON list of {name, value}",
                                                         answer: (200, "[{id, name, value}] (the labels added)")),
        "DELETE /v1/fileinfo/files/{id}/labels": Operation(summary: "Remove labels (?id=<label id>, repeated)", answer: (204, "no body")),
    ]

    static let settingsOperations: [String: Operation] = [
        "GET /v1/sharedsettings": Operation(summary: "The organization's shared settings, by name",
                                            answer: (200, "[\(settingShape)]")),
        "POST /v1/sharedsettings": Operation(
            summary: "Create a shared setting, or replace the value of the one of that name",
            body: [("name", "1-128 letters, digits, '_', '-', '.'"), ("value", "string, at most 32 KiB")],
            answer: (201, "\(settingShape) (200 when an existing value was replaced)")),
        "GET /v1/sharedsettings/{name}": Operation(summary: "One shared setting", answer: (200, settingShape)),
        "PUT /v1/sharedsettings/{name}": Operation(summary: "Create or replace the shared setting named in the path",
                                                   body: [("value", "string, at most 32 KiB")],
                                                   answer: (200, "\(settingShape) (201 when created)")),
        "DELETE /v1/sharedsettings/{name}": Operation(summary: "Delete a shared setting", answer: (204, "no body")),
        "GET /v1/secrets": Operation(summary: "The organization's secrets, by name, without their values",
                                     answer: (200, "[\(secretShape)]")),
        "POST /v1/secrets": Operation(
            summary: "Create a secret, or replace the value of the one of that name (sealed at rest, never returned)",
            body: [("name", "1-128 letters, digits, '_', '-', '.'"), ("value", "string, at most 16 KiB")],
            answer: (201, "\(secretShape) (200 when an existing value was replaced)")),
        "GET /v1/secrets/{name}": Operation(summary: "One secret, without its value", answer: (200, secretShape)),
        "PUT /v1/secrets/{name}": Operation(summary: "Create or replace the secret named in the path",
                                            body: [("value", "string, at most 16 KiB")],
                                            answer: (200, "\(secretShape) (201 when created)")),
        "DELETE /v1/secrets/{name}": Operation(summary: "Delete a secret", answer: (204, "no body")),
    ]

    static let artifactShape = "{id, type, namespace, slug, version, sha256, size, createdAt, updatedAt, "
        + "build (task scripts), runtime, functions, name, description}"

    static let artifactOperations: [String: Operation] = [
        "POST /v1/artifact/{type}/{namespace}/{slug}/{version}": Operation(
            summary: "Upload a task script (type task-scripts: config.json, requirements.txt, optional init/before_install), "
                + "a protocol (master-scripts: a v3 protocol.yml whose steps name stored task-script functions) or an IDS "
                + "(ids: schema.json). The namespace is private-<organization>; ?force=true replaces an existing version",
            rawBody: "the artifact's ZIP archive, at most 50 MiB",
            answer: (200, "{type, namespace, slug, version, id, build: {id}} (build for task scripts only)")),
        "GET /v1/artifact/builds/{id}": Operation(summary: "A task script's environment build",
                                                  answer: (200, "{build: {id, buildComplete, buildStatus: IN_PROGRESS|SUCCEEDED|FAILED, failureReason}}")),
        "GET /v1/artifact/build-logs/{id}": Operation(summary: "The build's log from ?nextToken= on (empty: from the start)",
                                                      answer: (200, "{events: [{message, timestamp}], nextToken}")),
        "GET /v1/artifact/{type}": Operation(summary: "The organization's artifacts of a type (?namespace=, ?slug= filter)",
                                             answer: (200, "[\(artifactShape)]")),
        "GET /v1/artifact/{type}/{namespace}/{slug}": Operation(summary: "The versions of one artifact", answer: (200, "[\(artifactShape)]")),
        "GET /v1/artifact/{type}/{namespace}/{slug}/{version}": Operation(
            summary: "One artifact version with its config.json, protocol or schema", answer: (200, "\(artifactShape) + config|protocol|schema")),
        "DELETE /v1/artifact/{type}/{namespace}/{slug}/{version}": Operation(
            summary: "Delete an artifact version (a task script used by a stored protocol is refused with 409)", answer: (204, "no body")),
    ]

    static let errorShape = "{\"statusCode\": <status>, \"error\": \"<reason>\", \"message\": \"…\", \"requestId\"}"

    /// `:name` path parameters written as OpenAPI's `{name}`.
    static func openAPIPath(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    static func document(routes: [(method: String, path: String)]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            let path = openAPIPath(route.path)
            guard TetraScienceDialect.pathPrefixes.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { continue }
            let operation = operations["\(route.method) \(path)"]
            var entry: [String: JSONValue] = [
                "summary": .string(operation?.summary ?? "(not described)"),
                "responses": .object([
                    String(operation?.answer.status ?? 200): .object(["description": .string(operation?.answer.about ?? "Success")]),
                    "400": .object(["description": .string("Invalid request: \(errorShape)")]),
                    "401": .object(["description": .string("Missing or invalid ts-auth-token")]),
                    "403": .object(["description": .string("The token does not give access to the x-org-slug organization")]),
                ]),
            ]
            let parameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name in
                JSONValue.object(["name": .string(String(name.dropFirst().dropLast())), "in": .string("path"),
                                  "required": .bool(true), "schema": .object(["type": .string("string")])])
            }
            if !parameters.isEmpty { entry["parameters"] = .array(parameters) }
            if let raw = operation?.rawBody {
                entry["requestBody"] = .object(["description": .string(raw), "content": .object([
                    "application/octet-stream": .object(["schema": .object(["type": .string("string"), "format": .string("binary")])]),
                ])])
            } else if let operation, !operation.body.isEmpty {
                let properties = Dictionary(uniqueKeysWithValues: operation.body.map {
                    ($0.name, JSONValue.object(["type": .string("string"), "description": .string($0.about)]))
                })
                entry["requestBody"] = .object(["content": .object(["application/json": .object(["schema": .object([
                    "type": .string("object"), "properties": .object(properties),
                    "required": .array(operation.body.map { .string($0.name) }),
                ])])])])
            }
            entry["security"] = .array([.object(["tsAuthToken": .array([]), "orgSlug": .array([])])])
            var methods = paths[path]?.objectValue ?? [:]
            methods[route.method.lowercased()] = .object(entry)
            paths[path] = .object(methods)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("Slipway — TetraScience Data Platform API"), "version": .string("1")]),
            "paths": .object(paths),
            "components": .object(["securitySchemes": .object([
                "tsAuthToken": .object(["type": .string("apiKey"), "in": .string("header"), "name": .string("ts-auth-token"),
                                        "description": .string("A Slipway SDK token (also accepted as x-api-key or a bearer token)")]),
                "orgSlug": .object(["type": .string("apiKey"), "in": .string("header"), "name": .string("x-org-slug"),
                                    "description": .string("The workspace name (default: the token's workspace)")]),
            ])]),
        ])
    }

    /// A readable page of the same document: one row per route.
    static func html(_ document: JSONValue) -> String {
        let escape = MarkupEscaping.escape
        var rows = ""
        for (path, methods) in (document.objectValue?["paths"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (method, operation) in (methods.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                let summary = operation.objectValue?["summary"]?.stringValue ?? ""
                rows += "<tr><td><code>\(method.uppercased())</code></td><td><code>\(escape(path))</code></td>"
                    + "<td>\(escape(summary))</td></tr>\n"
            }
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slipway — TetraScience API</title></head>
            <body><h1>Slipway — TetraScience Data Platform API</h1>
            <p>Send <code>ts-auth-token</code> (a Slipway SDK token) and <code>x-org-slug</code> (the workspace).
            Errors: <code>\(escape(errorShape))</code>.</p>
            <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>
            \(rows)</tbody></table></body></html>
            """
    }
}
