import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    func registerMetrics(_ group: RouterGroup<SlipwayRequestContext>) {
        group.put("metrics/single-value/:name") { request, context -> Response in
            let identity = try context.userOrExecution()
            let body = try await request.jsonObject(limit: 64 * 1024)
            guard case .number(let value) = body["value"] ?? .null else { throw SlipwayError.badRequest("value must be a number") }
            try await metrics.record(name: try context.parameters.require("name"), value: value,
                                     executionID: body["execution_id"]?.stringValue, principal: identity.principal)
            return JSONResponse.make(.object(["name": .string(try context.parameters.require("name"))]))
        }
        group.post("metrics/list-values/:name") { request, context -> Response in
            let identity = try context.userOrExecution()
            let body = try await request.jsonObject(limit: 8 << 20)
            guard let items = body["values"]?.arrayValue else { throw SlipwayError.badRequest("values must be a list of numbers") }
            let values = try items.map { item -> Double in
                guard case .number(let value) = item else { throw SlipwayError.badRequest("values must be a list of numbers") }
                return value
            }
            try await metrics.append(name: try context.parameters.require("name"), values: values,
                                     executionID: body["execution_id"]?.stringValue, principal: identity.principal)
            return JSONResponse.make(.object(["name": .string(try context.parameters.require("name")),
                                              "count": .number(Double(values.count))]))
        }
        group.get("metrics/single-value") { request, context -> Response in
            let identity = try context.user()
            let page = try await metrics.metrics(workspaceID: identity.workspace.id, filter: Self.metricFilter(request),
                                                 page: try Self.pageRequest(request))
            return JSONResponse.make(.object(["total_count": .number(Double(page.totalCount)), "metrics": .array(page.items.map { metric in
                .object(["name": .string(metric.name), "value": .number(metric.value), "created_at": metric.createdAt.json,
                         "execution_id": .string(metric.executionID), "pipeline_name": .string(metric.pipelineName),
                         "deployment_name": metric.deploymentName.json])
            })]))
        }
        group.get("metrics/list-values") { request, context -> Response in
            let identity = try context.user()
            let page = try await metrics.listMetrics(workspaceID: identity.workspace.id, filter: Self.metricFilter(request),
                                                     page: try Self.pageRequest(request))
            return JSONResponse.make(.object(["total_count": .number(Double(page.totalCount)), "metrics": .array(page.items.map { metric in
                .object(["name": .string(metric.name), "values": .array(metric.values.map { .number($0) }),
                         "created_at": metric.createdAt.json, "execution_id": .string(metric.executionID),
                         "pipeline_name": .string(metric.pipelineName), "deployment_name": metric.deploymentName.json])
            })]))
        }
    }

    static func metricFilter(_ request: Request) -> MetricFilter {
        MetricFilter(name: request.query("filters[name]"), pipelineName: request.query("filters[pipeline_name]"),
                     deploymentName: request.query("filters[deployment_name]"),
                     executionID: request.query("filters[execution_id]"))
    }

    static func pageRequest(_ request: Request) throws -> PageRequest {
        let page = try request.query("page").map { text -> Int in
            guard let value = Int(text), value >= 1 else { throw SlipwayError.badRequest("page must be a positive integer") }
            return value
        } ?? 1
        let size = try request.query("items_per_page").map { text -> Int in
            guard let value = Int(text), value >= 1 else { throw SlipwayError.badRequest("items_per_page must be a positive integer") }
            return value
        } ?? 5000
        return PageRequest(page: page, itemsPerPage: size)
    }
}
