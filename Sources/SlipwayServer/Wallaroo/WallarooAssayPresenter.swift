import Foundation
import SlipwayCore

/// Assays and assay results in the Wallaroo shapes (protocol reference §11.2–11.3): list items
/// with the client's own baseline and window echoed, results with RFC 3339 `Z` times (window
/// bounds to the second, `analyzed_at` to the nanosecond).
enum WallarooAssayPresenter {
    static func listItem(_ assay: Assay, number: Int, pipelineNumber: Int, pipelineName: String, nextRun: Date?) -> JSONValue {
        let document = assay.clientDocument?.objectValue ?? [:]
        var summarizer = document["summarizer"]?.objectValue ?? [:]
        summarizer["bin_width"] = nil
        summarizer["add_outlier_edges"] = nil
        return .object([
            "id": .number(Double(number)),
            "name": .string(assay.name),
            "active": .bool(assay.isActive),
            "status": .string(assay.lastRunAt == nil ? "created" : (assay.isActive ? "active" : "inactive")),
            "warning_threshold": assay.warningThreshold.map(JSONValue.number) ?? .null,
            "alert_threshold": .number(assay.alertThreshold),
            "pipeline_id": .number(Double(pipelineNumber)),
            "pipeline_name": .string(pipelineName),
            "iopath": .string(iopath(assay.feature)),
            "last_run": assay.lastRunAt.map { .string(WallarooTimestamp.entity($0)) } ?? .null,
            "next_run": nextRun.map { .string(WallarooTimestamp.entity($0)) } ?? .null,
            "run_until": assay.runUntil.map { .string(WallarooTimestamp.entity($0)) } ?? .null,
            "created_at": .string(WallarooTimestamp.entity(assay.createdAt)),
            "updated_at": .string(WallarooTimestamp.entity(assay.updatedAt)),
            "baseline": document["baseline"] ?? .null,
            "window": document["window"] ?? .null,
            "summarizer": .object(summarizer),
        ])
    }

    static func result(_ result: AssayResult, number: Int?, assayNumber: Int) -> JSONValue {
        var summarizer: [String: JSONValue] = [
            "type": .string("UnivariateContinuous"),
            "bin_mode": .string(result.summarizer.binMode.rawValue),
            "aggregation": .string(result.summarizer.aggregation.rawValue),
            "metric": .string(result.summarizer.metric.rawValue),
            "num_bins": .number(Double(result.summarizer.numBins)),
        ]
        summarizer["bin_weights"] = result.summarizer.binWeights.map { .array($0.map(JSONValue.number)) } ?? .null
        summarizer["provided_edges"] = result.summarizer.providedEdges.map { .array($0.map(JSONValue.number)) } ?? .null
        let milliseconds = result.elapsed.components.seconds * 1000 + result.elapsed.components.attoseconds / 1_000_000_000_000_000
        return .object([
            "id": number.map { .number(Double($0)) } ?? .null,
            "assay_id": .number(Double(assayNumber)),
            "window_start": .string(seconds(result.windowStart)),
            "window_end": .string(seconds(result.windowEnd)),
            "analyzed_at": .string(nanoseconds(result.analyzedAt)),
            "elapsed_millis": .number(Double(milliseconds)),
            "iopath": .string(iopath(result.feature)),
            "pipeline_id": .null,
            "baseline_summary": summary(result.baselineSummary, start: result.baselineStart ?? result.windowStart,
                                        end: result.baselineEnd ?? result.windowEnd),
            "window_summary": summary(result.windowSummary, start: result.windowStart, end: result.windowEnd),
            "warning_threshold": result.warningThreshold.map(JSONValue.number) ?? .null,
            "alert_threshold": .number(result.alertThreshold),
            "score": .number(result.score.score),
            "scores": .array(result.score.scores.map(JSONValue.number)),
            "bin_index": result.score.binIndex.map { .number(Double($0)) } ?? .null,
            "summarizer": .object(summarizer),
            "status": .string(result.status.rawValue),
            "created_at": number == nil ? .null : .string(nanoseconds(result.analyzedAt)),
        ])
    }

    static func summary(_ summary: DistributionSummary, start: Date?, end: Date?) -> JSONValue {
        .object([
            "count": .number(Double(summary.count)),
            "missing": .number(Double(summary.missing)),
            "min": number(summary.min),
            "max": number(summary.max),
            "mean": number(summary.mean),
            "median": number(summary.median),
            "std": number(summary.std),
            "edges": .array(summary.edges.map { $0.map(number) ?? .null }),
            "edge_names": .array(summary.edgeNames.map(JSONValue.string)),
            "aggregated_values": .array(summary.aggregatedValues.map(number)),
            "aggregation": .string(summary.aggregation.rawValue),
            "start": start.map { .string(seconds($0)) } ?? .null,
            "end": end.map { .string(seconds($0)) } ?? .null,
        ])
    }

    /// JSON has no NaN or infinity: those are written as null.
    static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(value) : .null
    }

    static func iopath(_ feature: InferenceFeature) -> String {
        "\(feature.side == .input ? "input" : "output") \(feature.name) \(feature.element)"
    }

    /// `2023-01-02T05:00:00Z`.
    static func seconds(_ date: Date) -> String {
        RFC3339Time.string(from: date)
    }

    /// `2023-05-19T17:26:59.664583293Z` (nine fraction digits).
    static func nanoseconds(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        let fraction = Int(((interval - whole) * 1_000_000_000).rounded(.down))
        let base = seconds(Date(timeIntervalSince1970: whole))
        return String(base.dropLast()) + "." + String(format: "%09d", min(fraction, 999_999_999)) + "Z"
    }
}
