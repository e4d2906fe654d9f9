import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// `POST /models` (`?async_model_provisioning=true` is accepted: models are `Ready` at
    /// once) → 201 with the model; `GET /models` (`page`, `page_size`), `GET /models/{id}`
    /// (`id_type=id|partner_model_id`, `expand=attributes`), `DELETE /models/{id}` → 204.
    func registerModels(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models") { request, context -> Response in
            let (user, workspace, _) = try context.arthurScope()
            let body = try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes)
            let model = try await monitoring.createModel(try ArthurModelCodec.draft(body), in: workspace, by: user)
            return JSONResponse.make(ArthurModelCodec.present(model), status: .created)
        }
        api.get("models") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let models = try await monitoring.models(in: workspace)
            let expand = request.uri.queryParameters["expand"].map(String.init)?.contains("attributes") ?? false
            let (page, size) = try Self.paging(request)
            let slice = models.dropFirst((page - 1) * size).prefix(size)
            return JSONResponse.make(.object([
                "data": .array(slice.map { ArthurModelCodec.present($0, withAttributes: expand) }),
                "page": .number(Double(page)), "page_size": .number(Double(size)),
                "total_pages": .number(Double((models.count + size - 1) / size)), "total_count": .number(Double(models.count)),
            ]))
        }
        api.get("models/:model_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope(.ingestion)
            let model = try await routeModel(request, context, in: workspace)
            let expand = request.uri.queryParameters["expand"].map(String.init)?.contains("attributes") ?? true
            return JSONResponse.make(ArthurModelCodec.present(model, withAttributes: expand))
        }
        api.delete("models/:model_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            try await monitoring.delete(try await routeModel(request, context, in: workspace))
            return JSONResponse.empty(.noContent)
        }
    }

    /// The route's model: `{model_id}` is its id, or with `id_type=partner_model_id` its partner id.
    func routeModel(_ request: Request, _ context: SlipwayRequestContext, in workspace: Workspace) async throws -> MonitoredModel {
        let identifier = try context.parameters.require("model_id")
        switch request.uri.queryParameters["id_type"].map { String($0) } ?? "id" {
        case "id": return try await monitoring.model(id: identifier, in: workspace)
        case "partner_model_id": return try await monitoring.model(partnerModelID: identifier, in: workspace)
        case let other: throw SlipwayError.badRequest("id_type must be 'id' or 'partner_model_id', got '\(NameRules.printable(other))'")
        }
    }

    static func paging(_ request: Request) throws -> (page: Int, size: Int) {
        func number(_ name: String, default value: Int, maximum: Int) throws -> Int {
            guard let text = request.uri.queryParameters[Substring(name)] else { return value }
            guard let number = Int(text), (1...maximum).contains(number) else {
                throw SlipwayError.badRequest("\(name) must be a whole number from 1 to \(maximum)")
            }
            return number
        }
        return (try number("page", default: 1, maximum: 1_000_000), try number("page_size", default: 20, maximum: 10_000))
    }

    /// A JSON object body.
    static func jsonObject(_ request: Request, limit: Int) async throws -> [String: JSONValue] {
        guard let object = try await json(request, limit: limit).objectValue else {
            throw SlipwayError.badRequest("the request body must be a JSON object")
        }
        return object
    }

    /// A JSON body (bounded: a larger one is a 413).
    static func json(_ request: Request, limit: Int) async throws -> JSONValue {
        let buffer = try await request.collectBody(limit: limit)
        guard buffer.readableBytes > 0 else { throw SlipwayError.badRequest("the request body is empty") }
        do {
            return try JSONValue.parse(buffer)
        } catch {
            throw SlipwayError.badRequest("the request body is not valid JSON")
        }
    }
}
