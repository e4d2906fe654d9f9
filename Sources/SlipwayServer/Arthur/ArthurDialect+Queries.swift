import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// `POST /models/{id}/inferences/query` (an Arthur query body; `page`/`page_size` page the
    /// rows), `GET` of the same path (every inference, paged), `GET …/query/{partner_inference_id}`.
    func registerQueries(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/:model_id/inferences/query") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let query = try ArthurQuery(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes))
            return try await answer(query, request, model)
        }
        api.get("models/:model_id/inferences/query") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            return try await answer(try ArthurQuery([:]), request, model)
        }
        api.get("models/:model_id/inferences/query/:partner_inference_id") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let row = try await monitoring.row(of: model, externalID: try context.parameters.require("partner_inference_id"))
            return JSONResponse.make(.object(["query_result": .array(try ArthurQuery([:]).render([row], model: model))]))
        }
        registerDrift(api)
    }

    private func answer(_ query: ArthurQuery, _ request: Request, _ model: MonitoredModel) async throws -> Response {
        var query = query
        let rows = try await monitoring.rows(of: model, from: query.source, matching: query.filter)
        var body: [String: JSONValue] = [:]
        if request.uri.queryParameters["page"] != nil || request.uri.queryParameters["page_size"] != nil {
            let (page, size) = try Self.paging(request)
            query.offset += (page - 1) * size
            query.limit = min(query.limit ?? size, size)
            body["page"] = .number(Double(page))
            body["page_size"] = .number(Double(size))
            body["total_count"] = .number(Double(rows.count))
            body["total_pages"] = .number(Double((rows.count + size - 1) / size))
        }
        body["query_result"] = .array(try query.render(rows, model: model))
        return JSONResponse.make(.object(body))
    }
}
