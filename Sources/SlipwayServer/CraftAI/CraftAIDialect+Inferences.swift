import Foundation
import Hummingbird
import SlipwayCore

extension CraftAIDialect {
    /// `GET {API}/deployments/{name}/inferences`: a page of the inference records of an endpoint
    /// deployment that records them (`record_inferences`). A Slipway extension (the SDK has no
    /// call for it). Query: `limit` (1–10000, default 100), `order` (`descending`, the default,
    /// or `ascending`), `from` / `to` (epoch milliseconds, `[from, to)`), `cursor` (the previous
    /// page's `next_cursor`).
    func registerInferences(_ group: RouterGroup<SlipwayRequestContext>) {
        group.get("deployments/:name/inferences") { request, context -> Response in
            let identity = try context.user()
            let deployment = try await deployments.get(workspaceID: identity.workspace.id,
                                                       name: try context.parameters.require("name"))
            func milliseconds(_ key: String) throws(SlipwayError) -> Date? {
                guard let text = request.query(key) else { return nil }
                guard let ms = Double(text), ms.isFinite else { throw .badRequest("\(key) must be a number of milliseconds") }
                return Date(timeIntervalSince1970: ms / 1000)
            }
            var limit = 100
            if let text = request.query("limit") {
                guard let number = Int(text) else { throw SlipwayError.badRequest("limit must be an integer") }
                limit = number
            }
            var order = InferenceRecordQuery.Order.newestFirst
            if let text = request.query("order") {
                guard let given = InferenceRecordQuery.Order(rawValue: text) else {
                    throw SlipwayError.badRequest("order must be 'ascending' or 'descending'")
                }
                order = given
            }
            let cursor = try request.query("cursor").map { text throws(SlipwayError) in try InferenceCursor(token: text) }
            let page = try await deployments.inferenceRecords(of: deployment, start: try milliseconds("from"),
                                                              end: try milliseconds("to"), order: order, limit: limit,
                                                              cursor: cursor)
            return JSONResponse.make(CraftAIInferencePresenter.page(page))
        }
    }
}
