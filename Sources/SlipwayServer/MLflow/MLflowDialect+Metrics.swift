import Foundation
import Hummingbird
import SlipwayCore

/// Metric history: one run's (paged by `page_token`, at most 25,000 points a page) and several
/// runs' within a step range (`get-history-bulk-interval`).
extension MLflowDialect {
    func registerMetrics(_ group: RouterGroup<SlipwayRequestContext>) {
        let tracking = core.tracking
        group.get("metrics/get-history") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let id = try Self.runID(message)
            let key = try message.requiredString("metric_key")
            let limit = try MLflowPageToken.maxResults(message, defaultValue: tracking.limits.maxHistoryPage,
                                                       maximum: tracking.limits.maxHistoryPage)
            let offset = try MLflowPageToken.offset(try message.string("page_token"))
            let points = try await Self.runNotFoundAsMLflow(id) {
                try await tracking.metricHistory(workspaceID: workspace.id, runID: id, key: key, limit: limit + 1, offset: offset)
            }
            let next = points.count > limit ? MLflowPageToken.encode(offset: offset + limit) : nil
            return JSONResponse.make(jsonText: MLflowTrackingPresenter.metricsPage(points.prefix(limit), nextPageToken: next))
        }
        group.get("metrics/get-history-bulk-interval") { request, context in
            let (_, workspace) = try context.mlflowScope()
            let message = try await request.mlflowMessage()
            let ids = try message.strings("run_ids")
            let key = try message.requiredString("metric_key")
            let limit = try MLflowPageToken.maxResults(message, defaultValue: 2500, maximum: tracking.limits.maxHistoryPage)
            let points = try await Self.runNotFoundAsMLflow(ids.first ?? "") {
                try await tracking.metricHistories(workspaceID: workspace.id, runIDs: ids, key: key,
                                                   startStep: try message.int64("start_step"), endStep: try message.int64("end_step"),
                                                   limitPerRun: limit)
            }
            return JSONResponse.make(jsonText: MLflowTrackingPresenter.metricsPage(points, nextPageToken: nil))
        }
    }
}
