import Foundation
import Hummingbird
import SlipwayCore

extension ArthurDialect {
    /// The data drift queries, computed by the core's drift engine (`MonitoringService.drift`):
    /// - `POST …/inferences/query/data_drift` `{"properties": [...], "metric": "PSI", "num_bins",
    ///   "base": {"source": "reference"|"inference", "filter": [...]}, "target": {...}}` →
    ///   `{"query_result": [{"<property>": <psi>, …}]}`;
    /// - `POST …/inferences/query/data_drift_psi_bucket_calculation_table` `{"property", "num_bins",
    ///   "base", "target"}` → one row per bin: `bucket`, `base_bucket_min|max`,
    ///   `base_count_per_bucket`, `base_probability_per_bucket` (and `target_…`),
    ///   `probability_difference`, `ln_probability_difference`, `psi`, `base_total`, `target_total`.
    /// Bins are the base's quantiles (`num_bins`, default 10) plus an outlier bin on each side;
    /// a bound at infinity is null.
    func registerDrift(_ api: RouterGroup<SlipwayRequestContext>) {
        api.post("models/:model_id/inferences/query/data_drift") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let fields = ArthurFields(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes), what: "data_drift")
            if let metric = try fields.string("metric"), metric.uppercased() != "PSI" {
                throw SlipwayError.badRequest("'data_drift.metric' must be 'PSI'; got '\(NameRules.printable(metric))'")
            }
            let properties = try (fields.array("properties") ?? []).map { item -> String in
                guard let name = item.stringValue else { throw SlipwayError.badRequest("'data_drift.properties' must be a list of attribute names") }
                return name
            }
            let drifts = try await monitoring.drift(of: model, attributes: properties, baseline: try Self.side(fields, "base"),
                                                    window: try Self.side(fields, "target"), bins: try fields.int("num_bins") ?? 10)
            var row: [String: JSONValue] = [:]
            for drift in drifts { row[drift.attribute] = .number(drift.score.score) }
            return JSONResponse.make(.object(["query_result": .array([.object(row)])]))
        }
        api.post("models/:model_id/inferences/query/data_drift_psi_bucket_calculation_table") { request, context -> Response in
            let (_, workspace, _) = try context.arthurScope()
            let model = try await routeModel(request, context, in: workspace)
            let fields = ArthurFields(try await Self.jsonObject(request, limit: Self.maxJSONBodyBytes), what: "psi_table")
            let property = try fields.requiredString("property")
            guard let drift = try await monitoring.drift(of: model, attributes: [property], baseline: try Self.side(fields, "base"),
                                                         window: try Self.side(fields, "target"),
                                                         bins: try fields.int("num_bins") ?? 10).first else {
                throw SlipwayError.internal("no drift was computed")
            }
            return JSONResponse.make(.object(["query_result": .array(Self.bucketTable(drift))]))
        }
    }

    static func side(_ fields: ArthurFields, _ key: String) throws -> MonitoringService.DriftSide {
        let side = ArthurFields(try fields.objectValue(key) ?? [:], what: key)
        let source: MonitoringService.RowSource
        switch try side.string("source") ?? (key == "base" ? "reference" : "inference") {
        case "reference": source = .reference
        case "inference": source = .inferences
        case let other: throw SlipwayError.badRequest("'\(key).source' must be 'inference' or 'reference', got '\(NameRules.printable(other))'")
        }
        return MonitoringService.DriftSide(source: source, filter: try ArthurQuery.filter(try side.array("filter") ?? [], what: "\(key).filter"))
    }

    static func bucketTable(_ drift: MonitoringService.AttributeDrift) -> [JSONValue] {
        let base = drift.baseline
        let window = drift.window
        func bound(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return base.counts.indices.map { bin -> JSONValue in
            let lower = bin == 0 ? nil : base.edges[bin - 1]
            let upper = base.edges[bin]
            let p = base.aggregatedValues[bin]
            let q = window.aggregatedValues.indices.contains(bin) ? window.aggregatedValues[bin] : 0
            return .object([
                "bucket": .string(base.edgeNames.indices.contains(bin) ? base.edgeNames[bin] : "bin_\(bin)"),
                "base_bucket_min": bound(lower), "base_bucket_max": bound(upper),
                "target_bucket_min": bound(lower), "target_bucket_max": bound(upper),
                "base_count_per_bucket": .number(Double(base.counts[bin])),
                "target_count_per_bucket": .number(Double(window.counts.indices.contains(bin) ? window.counts[bin] : 0)),
                "base_probability_per_bucket": .number(p), "target_probability_per_bucket": .number(q),
                "base_ln_probability_per_bucket": p > 0 ? .number(Foundation.log(p)) : .null,
                "target_ln_probability_per_bucket": q > 0 ? .number(Foundation.log(q)) : .null,
                "probability_difference": .number(p - q),
                "ln_probability_difference": p > 0 && q > 0 ? .number(Foundation.log(p / q)) : .null,
                "psi": .number(drift.score.scores.indices.contains(bin) ? drift.score.scores[bin] : 0),
                "base_total": .number(Double(base.count)), "target_total": .number(Double(window.count)),
            ])
        }
    }
}
