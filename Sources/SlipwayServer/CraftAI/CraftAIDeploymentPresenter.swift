import Foundation
import SlipwayCore

/// Deployments in the JSON shapes `craft-ai-sdk` reads.
enum CraftAIDeploymentPresenter {
    static func deployment(_ deployment: Deployment, step: Step?, token: String?, pods: [PodInfo]) -> JSONValue {
        let inputs = Dictionary((step?.inputs ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let outputs = Dictionary((step?.outputs ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var object: [String: JSONValue] = [
            "id": .string(deployment.id), "name": .string(deployment.name), "mode": .string(deployment.mode.rawValue),
            "pipeline": .object(["id": .string(deployment.pipelineID), "name": .string(deployment.pipelineName)]),
            "execution_rule": .string(deployment.rule.rawValue), "status": .string(CraftAIStatus.of(deployment.status)),
            "deployment_health": .string(health(deployment)),
            "is_enabled": .bool(deployment.isEnabled), "is_archived": .bool(false),
            "description": deployment.description.json,
            "created_at": deployment.createdAt.json, "created_by": .string(deployment.createdBy),
            "updated_at": deployment.updatedAt.json, "updated_by": .string(deployment.updatedBy),
            "version": .number(Double(deployment.generation)),
            "execution_timeout_s": deployment.executionTimeoutSeconds.map { .number(Double($0)) } ?? .null,
            "inputs_mapping": .array(deployment.inputsMapping.map { mapping in
                var item = CraftAIMapping.json(mapping)
                let definition = inputs[mapping.input]
                item["data_type"] = .string(definition?.dataType.rawValue ?? "json")
                item["description"] = definition?.description.json ?? .null
                return .object(item)
            }),
            "outputs_mapping": .array(deployment.outputsMapping.map { mapping in
                var item = CraftAIMapping.json(mapping)
                let definition = outputs[mapping.output]
                item["data_type"] = .string(definition?.dataType.rawValue ?? "json")
                item["description"] = definition?.description.json ?? .null
                return .object(item)
            }),
        ]
        switch deployment.rule {
        case .endpoint:
            object["endpoint_url_path"] = deployment.endpointPath.json
            object["endpoint_token"] = token.json
            object["record_inferences"] = .bool(deployment.recordsInferences)
        case .periodic:
            object["schedule"] = deployment.schedule.json
            object["human_readable_schedule"] = deployment.schedule
                .flatMap { try? CronExpression($0).humanReadable }.json
        }
        if deployment.mode == .lowLatency {
            object["enable_parallel_executions"] = .bool(deployment.parallelExecutions)
            if deployment.parallelExecutions {
                object["max_parallel_executions_per_pod"] = .number(Double(deployment.maxParallelExecutions))
            }
            object["ram_request"] = deployment.ramRequestBytes.map { .string("\($0 >> 20)MiB") } ?? .null
            object["pods"] = .array(pods.map { pod in
                .object(["pod_id": .string(pod.id), "status": .string(pod.status), "pid": pod.pid.map { .number(Double($0)) } ?? .null,
                         "created_at": pod.startedAt.json])
            })
        }
        return .object(object)
    }

    /// Whether the deployment can take executions right now.
    static func health(_ deployment: Deployment) -> String {
        guard deployment.isEnabled else { return "Disabled" }
        switch deployment.status {
        case .ready: return "Ready"
        case .starting, .restarting: return "Pending"
        case .failed: return "Failed"
        case .standby: return "Standby"
        case .disabled: return "Disabled"
        }
    }

    static func summary(_ deployment: Deployment) -> JSONValue {
        .object([
            "name": .string(deployment.name), "pipeline_name": .string(deployment.pipelineName),
            "execution_rule": .string(deployment.rule.rawValue), "mode": .string(deployment.mode.rawValue),
            "is_enabled": .bool(deployment.isEnabled), "status": .string(CraftAIStatus.of(deployment.status)),
            "created_at": deployment.createdAt.json,
        ])
    }

    static func logs(_ lines: [LogLine], deployment: Deployment, pods: [PodInfo]) -> JSONValue {
        let pod = pods.first?.id ?? deployment.name
        return .array(lines.map { line in
            .object(["timestamp": line.timestamp.json, "message": .string(line.message),
                     "stream": .string(line.stream == .stderr ? "stderr" : "stdout"), "pod_id": .string(pod),
                     "type": .string("deployment")])
        })
    }
}
