import Foundation
import Hummingbird
import SlipwayCore

/// The OpenAPI document of the CORDS routes, served at `/docs` (HTML) and
/// `/docs/openapi.json`. Paths are read from the router after the dialect registered its
/// routes, so none is served unlisted; what each takes is in `operations` (a server test keeps
/// the table complete). The document also states the semantic vocabulary and query grammar.
enum CORDSAPIDocs {
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
        var fields: [Field] = []
        var query: [Field] = []
        var created = false
    }

    static func assetFields(_ kind: String) -> [Field] {
        [Field("name", "string", true), Field("version", "string"), Field("description", "string"),
         Field("ml_flow_model_path", "string", false, "mlflow-artifacts:/<exp>/<run>/artifacts/<p>, "
               + "mlflow-artifacts:/<exp>/models/m-<id>/artifacts, models:/m-<id>, models:/<name>/<version>, runs:/<run>/<p>"),
         Field("ml_flow_tracking_uri", "string", false, "a remote MLflow server (http/https, no credentials); absent: this server"),
         Field("metadata", "object", false, "algorithm, implementation, frameworks, datasets, keywords, metrics, parameters, "
               + "any other scalar (also accepted at the top level of the body)")]
    }

    static let semanticFields = [
        Field("title", "string"), Field("description", "string"), Field("algorithm", "string"), Field("implementation", "string"),
        Field("frameworks", "array"), Field("datasets", "array"), Field("keywords", "array"),
        Field("parameters", "object", false, "null removes"), Field("metrics", "object", false, "numbers; null removes"),
        Field("tags", "object"), Field("properties", "object"),
    ]

    static let queryAbout = "key op value joined by AND / OR, parentheses; ops = != < <= > >= CONTAINS; keys: "
        + SemanticVocabulary.documentedKeys.joined(separator: ", ")

    static let operations: [String: Operation] = {
        var table: [String: Operation] = [
            "POST /api/users/register": Operation(
                summary: "Create an account and a workspace of its own (open unless the server runs with --no-open-registration)",
                fields: [Field("email", "string", true), Field("password", "string", true, "8 characters or more"),
                         Field("first_name", "string"), Field("last_name", "string"), Field("role", "string")], created: true),
            "POST /api/users/get-auth-token": Operation(
                summary: "Trade HTTP Basic email:password for a bearer token", query: [Field("workspace", "string", false,
                    "the workspace the token acts in; default: the first one the user owns")]),
            "GET /api/users/me": Operation(summary: "The caller and the workspace of their token"),
            "GET /api/ml_assets/get_assets": Operation(summary: "Every asset the caller can see, with its creator",
                                                       query: [Field("type", "string", false, "model, dataset or training")]),
            "GET /api/ml_assets/get_asset/{asset_id}": Operation(summary: "One asset with its semantic description"),
            "GET /api/ml_models/get_model_artifacts/{asset_id}": Operation(summary: "Files of a tracked model's folder"),
            "GET /api/ml_flow/get_run_artifacts/{run_id}": Operation(
                summary: "A tracked run's summary and artifact files",
                query: [Field("tracking_uri", "string", false, "a remote MLflow server; absent: this server")]),
            "POST /api/semantics/generate/{asset_id}": Operation(
                summary: "Describe the asset again from its metadata and tracked run (manual updates are dropped); JSON-LD"),
            "GET /api/semantics/get/{asset_id}": Operation(summary: "The asset's semantic description (JSON-LD, mls: and ids: terms)"),
            "PUT /api/semantics/update/{asset_id}": Operation(summary: "Change the semantic description", fields: semanticFields),
            "POST /api/semantics/update/{asset_id}": Operation(summary: "Change the semantic description", fields: semanticFields),
            "POST /api/semantics/query": Operation(summary: "Assets whose semantic description matches a query",
                                                   fields: [Field("query", "string", true, queryAbout),
                                                            Field("type", "string", false, "model, dataset or training")]),
            "GET /api/semantics/query": Operation(summary: "Assets whose semantic description matches a query",
                                                  query: [Field("query", "string", true, queryAbout), Field("type", "string")]),
            "POST /api/dataspace_connector/add_connector": Operation(
                summary: "Add a data-space (IDS) connector",
                fields: [Field("id", "string", true, "the connector's URI"), Field("name", "string", true),
                         Field("type", "string", false, "default ids:BaseConnector"), Field("description", "string"),
                         Field("public_key", "string"), Field("access_url", "string"), Field("reverse_proxy_url", "string")],
                created: true),
            "GET /api/dataspace_connector/get_connectors": Operation(summary: "Connectors the caller can see"),
            "GET /api/dataspace_connector/get_connector": Operation(summary: "One connector",
                                                                    query: [Field("connector_id", "string", true)]),
            "DELETE /api/dataspace_connector/delete_connector": Operation(
                summary: "Delete a connector no resource uses", query: [Field("connector_id", "string", true)]),
            "POST /api/dataspace_connector/register_resource/{resource_id}": Operation(
                summary: "Register a resource: its IDS Information Model description (JSON-LD: ids:Resource, "
                    + "ids:representation, ids:instance, ids:contractOffer, with the asset's semantics embedded)",
                fields: [Field("title", "string", true), Field("description", "string"), Field("keywords", "array"),
                         Field("catalog_id", "string", false, "the IDS resource catalog's URI")]),
            "POST /api/dataspace_resource/create_resource": Operation(
                summary: "Prepare a model for sharing through a connector",
                fields: [Field("asset_id", "string", true), Field("connector_id", "string", true),
                         Field("resource_id", "string", false, "64 hexadecimal digits; generated when absent"),
                         Field("timestamp", "string", false, "ISO 8601"), Field("type", "string", false, "model")],
                created: true),
            "GET /api/dataspace_resource/get_resources": Operation(summary: "Resources the caller can see"),
            "GET /api/dataspace_resource/get_resource/{resource_id}": Operation(summary: "One resource"),
            "GET /api/dataspace_resource/get_description/{resource_id}": Operation(
                summary: "The IDS resource description made at registration (JSON-LD)"),
        ]
        for (area, kind) in [("ml_models", "model"), ("datasets", "dataset"), ("fl_trainings", "training")] {
            table["POST /api/\(area)/add_\(kind)"] = Operation(summary: "Add a \(kind); answers its 64-hex asset_id",
                                                             fields: assetFields(kind), created: true)
            let update = Operation(summary: "Change a \(kind) (given fields replace; metadata entries set to null are removed)",
                                   fields: assetFields(kind).map { var field = $0; field.required = false; return field })
            table["PUT /api/\(area)/update_\(kind)/{asset_id}"] = update
            table["POST /api/\(area)/update_\(kind)/{asset_id}"] = update
            table["GET /api/\(area)/get_\(kind)/{asset_id}"] = Operation(summary: "One \(kind) with its semantic description")
            table["GET /api/\(area)/get_\(kind)s"] = Operation(summary: "Every \(kind) the caller can see, with its creator")
        }
        return table
    }()

    static func openAPIPath(_ path: String) -> String {
        "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
    }

    static func schema(_ field: Field) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string(field.type)]
        if field.type == "array" { schema["items"] = .object(["type": .string("string")]) }
        if !field.about.isEmpty { schema["description"] = .string(field.about) }
        return .object(schema)
    }

    static func document(routes: [(method: String, path: String)]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            let path = openAPIPath(route.path)
            guard CORDSDialect.areas.contains(where: { path.hasPrefix("/api/\($0)/") }) else { continue }
            let operation = operations["\(route.method) \(path)"]
            let open = path == "/api/users/register" || path == "/api/users/get-auth-token"
            var responses: [String: JSONValue] = [
                operation?.created == true ? "201" : "200": .object(["description": .string("Success")]),
                "400": .object(["description": .string("Invalid request: {\"code\", \"error\", \"message\"}")]),
                "401": .object(["description": .string(open ? "Invalid credentials" : "Missing or invalid bearer token")]),
            ]
            if path.contains("{") { responses["404"] = .object(["description": .string("No such object visible to the caller")]) }
            var entry: [String: JSONValue] = ["summary": .string(operation?.summary ?? "(not described)"),
                                              "responses": .object(responses)]
            var parameters = path.split(separator: "/").filter { $0.hasPrefix("{") }.map { name in
                JSONValue.object(["name": .string(String(name.dropFirst().dropLast())), "in": .string("path"),
                                  "required": .bool(true), "schema": .object(["type": .string("string")])])
            }
            for field in operation?.query ?? [] {
                parameters.append(.object(["name": .string(field.name), "in": .string("query"), "required": .bool(field.required),
                                           "schema": schema(field)]))
            }
            if !parameters.isEmpty { entry["parameters"] = .array(parameters) }
            if let operation, !operation.fields.isEmpty {
                var properties: [String: JSONValue] = [:]
                for field in operation.fields { properties[field.name] = schema(field) }
                entry["requestBody"] = .object(["content": .object(["application/json": .object(["schema": .object([
                    "type": .string("object"), "properties": .object(properties),
                    "required": .array(operation.fields.filter(\.required).map { .string($0.name) }),
                ])])])])
            }
            if path == "/api/users/get-auth-token" {
                entry["security"] = .array([.object(["basic": .array([])])])
            } else if !open {
                entry["security"] = .array([.object(["bearer": .array([])])])
            }
            var methods = paths[path]?.objectValue ?? [:]
            methods[route.method.lowercased()] = .object(entry)
            paths[path] = .object(methods)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Slipway — CORDS ML resource API"), "version": .string("1"),
                "description": .string("""
                    ML assets (models, datasets, federated trainings) with semantic descriptions, MLflow metadata import, \
                    data-space connectors and IDS resource descriptions. Assets live in the workspace of the bearer token \
                    (registration creates a workspace of the user's own) and are visible to its members only. Semantic \
                    descriptions are JSON-LD with the namespaces mls: \(SemanticVocabulary.mls), ids: \(SemanticVocabulary.ids), \
                    dct: \(SemanticVocabulary.dct), slipway: \(SemanticVocabulary.slipway). Query grammar: \(queryAbout). \
                    Errors: {"code": <status>, "error": "<reason>", "message": "..."}.
                    """),
            ]),
            "paths": .object(paths),
            "components": .object(["securitySchemes": .object([
                "bearer": .object(["type": .string("http"), "scheme": .string("bearer")]),
                "basic": .object(["type": .string("http"), "scheme": .string("basic")]),
            ])]),
        ])
    }

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
        let about = document.objectValue?["info"]?.objectValue?["description"]?.stringValue ?? ""
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slipway — CORDS ML resource API</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}</style></head><body>
            <h1>CORDS ML resource API</h1><p>\(escape(about))</p><p>Machine-readable:
            <a href="/docs/openapi.json">openapi.json</a>. Required fields are in bold.</p>
            <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Fields</th></tr></thead><tbody>
            \(rows)</tbody></table></body></html>
            """
    }
}
