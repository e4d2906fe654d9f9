import Foundation
import SlipwayCore

/// MLflow's JSON shapes of experiments, runs, metrics and logged models (snake_case, int64
/// times as numbers, `mlflow-artifacts:` locations, NaN and infinities as MLflow writes them).
enum MLflowTrackingPresenter {
    static let artifactScheme = "mlflow-artifacts:/"
    /// The tags MLflow keeps a run's name and user in.
    static let runNameTag = "mlflow.runName"
    static let userTag = "mlflow.user"

    /// A stored location as an URI: a bare path is under the proxied artifact service.
    static func artifactURI(_ location: String) -> String {
        location.contains(":") ? location : artifactScheme + location
    }

    static func milliseconds(_ date: Date) -> JSONValue { .number((date.timeIntervalSince1970 * 1000).rounded()) }

    static func tags(_ tags: [String: String]) -> JSONValue {
        .array(tags.sorted { $0.key < $1.key }.map { .object(["key": .string($0.key), "value": .string($0.value)]) })
    }

    static func number(_ value: Double) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value > 0 ? "Infinity" : "-Infinity") }
        return .number(value)
    }

    static func experiment(_ experiment: Experiment, workspace: String) -> JSONValue {
        .object([
            "experiment_id": .string(experiment.id),
            "name": .string(experiment.name),
            "artifact_location": .string(artifactURI(experiment.artifactLocation)),
            "lifecycle_stage": .string(experiment.lifecycle.rawValue),
            "creation_time": milliseconds(experiment.createdAt),
            "last_update_time": milliseconds(experiment.updatedAt),
            "tags": tags(experiment.tags),
            "workspace": .string(workspace),
        ])
    }

    static func runInfo(_ run: TrackedRun) -> JSONValue {
        var info: [String: JSONValue] = [
            "run_id": .string(run.id),
            "run_uuid": .string(run.id),
            "run_name": .string(run.name),
            "experiment_id": .string(run.experimentID),
            "user_id": .string(run.userID),
            "status": .string(run.status.rawValue),
            "start_time": .number(Double(run.startTime)),
            "artifact_uri": .string(artifactScheme + run.artifactPath),
            "lifecycle_stage": .string(run.lifecycle.rawValue),
        ]
        if let end = run.endTime { info["end_time"] = .number(Double(end)) }
        return .object(info)
    }

    /// `{"metrics": [...], "next_page_token": ...}` written directly: a history page holds up to
    /// 25,000 points. Each point is what `metric(_:)` gives, keys in the same order.
    static func metricsPage(_ metrics: some Collection<RunMetric>, nextPageToken: String?) -> [UInt8] {
        var writer = JSONTextWriter(reservingCapacity: 64 + metrics.count * 72)
        writer.append("{\"metrics\":[")
        var first = true
        for metric in metrics {
            if !first { writer.append(",") }
            first = false
            writer.append("{")
            if let digest = metric.datasetDigest { writer.append("\"dataset_digest\":"); writer.write(string: digest); writer.append(",") }
            if let name = metric.datasetName { writer.append("\"dataset_name\":"); writer.write(string: name); writer.append(",") }
            writer.append("\"key\":")
            writer.write(string: metric.key)
            if let modelID = metric.modelID { writer.append(",\"model_id\":"); writer.write(string: modelID) }
            if let runID = metric.runID { writer.append(",\"run_id\":"); writer.write(string: runID) }
            writer.append(",\"step\":")
            writer.write(integer: metric.step)
            writer.append(",\"timestamp\":")
            writer.write(integer: metric.timestamp)
            writer.append(",\"value\":")
            writer.write(number(metric.value))
            writer.append("}")
        }
        writer.append("]")
        if let nextPageToken {
            writer.append(",\"next_page_token\":")
            writer.write(string: nextPageToken)
        }
        writer.append("}")
        return writer.bytes
    }

    static func metric(_ metric: RunMetric) -> JSONValue {
        var object: [String: JSONValue] = [
            "key": .string(metric.key), "value": number(metric.value),
            "timestamp": .number(Double(metric.timestamp)), "step": .number(Double(metric.step)),
        ]
        if let runID = metric.runID { object["run_id"] = .string(runID) }
        if let modelID = metric.modelID { object["model_id"] = .string(modelID) }
        if let name = metric.datasetName { object["dataset_name"] = .string(name) }
        if let digest = metric.datasetDigest { object["dataset_digest"] = .string(digest) }
        return .object(object)
    }

    /// The run's tags as MLflow shows them: its name (and, for an execution, its user) in the
    /// `mlflow.*` tags too.
    static func displayedTags(_ run: TrackedRun) -> [String: String] {
        var tags = run.tags
        tags[runNameTag] = run.name
        if run.source == .execution { tags[userTag] = run.userID }
        return tags
    }

    static func run(_ run: TrackedRun) -> JSONValue {
        let datasets: [JSONValue] = run.inputs.map { input in
            var dataset: [String: JSONValue] = [
                "name": .string(input.name), "digest": .string(input.digest),
                "source_type": .string(input.sourceType), "source": .string(input.source),
            ]
            if let schema = input.schema { dataset["schema"] = .string(schema) }
            if let profile = input.profile { dataset["profile"] = .string(profile) }
            return .object(["tags": tags(input.tags), "dataset": .object(dataset)])
        }
        return .object([
            "info": runInfo(run),
            "data": .object([
                "metrics": .array(run.metrics.map(metric)),
                "params": tags(run.params),
                "tags": tags(displayedTags(run)),
            ]),
            "inputs": .object(["dataset_inputs": .array(datasets)]),
            "outputs": .object([:]),
        ])
    }

    static func loggedModelStatus(_ status: LoggedModel.Status) -> String {
        switch status {
        case .pending: "LOGGED_MODEL_PENDING"
        case .ready: "LOGGED_MODEL_READY"
        case .uploadFailed: "LOGGED_MODEL_UPLOAD_FAILED"
        }
    }

    static func loggedModel(_ model: LoggedModel, metrics: [RunMetric] = []) -> JSONValue {
        var info: [String: JSONValue] = [
            "model_id": .string(model.id),
            "experiment_id": .string(model.experimentID),
            "name": .string(model.name),
            "artifact_uri": .string(artifactScheme + model.artifactPath),
            "creation_timestamp_ms": .number(Double(model.createdAt)),
            "last_updated_timestamp_ms": .number(Double(model.updatedAt)),
            "status": .string(loggedModelStatus(model.status)),
            "tags": tags(model.tags),
        ]
        if let run = model.sourceRunID { info["source_run_id"] = .string(run) }
        if let type = model.modelType { info["model_type"] = .string(type) }
        if let message = model.statusMessage { info["status_message"] = .string(message) }
        return .object([
            "info": .object(info),
            "data": .object(["params": tags(model.params), "metrics": .array(metrics.map(metric))]),
        ])
    }
}
