import Foundation
import SlipwayCore

/// `status/get_deployment` (protocol reference §8.3): one engine per replica process, the
/// Slipway server as the engine load balancer, no sidekicks (models run natively).
enum WallarooDeploymentPresenter {
    static func status(_ status: ServingStatus) -> String {
        switch status {
        case .starting: "Starting"
        case .running: "Running"
        case .failed: "Error"
        case .stopped: "Stopped"
        }
    }

    static func status(_ deployment: ModelDeployment, pipeline: Pipeline,
                       replicas: [(modelVersionID: String, pods: [PodInfo])], models: ModelRegistryService) async throws -> JSONValue {
        let overall = status(deployment.status)
        let details: JSONValue = .array(deployment.statusMessage.map { [.string($0)] } ?? [])
        var modelStatuses: [JSONValue] = []
        var engines: [JSONValue] = []
        for entry in replicas {
            guard let version = try? await models.version(id: entry.modelVersionID, workspaceID: deployment.workspaceID),
                  let model = try? await models.model(id: version.modelID) else { continue }
            let running = entry.pods.contains { $0.status == "running" || $0.status == "ready" }
            modelStatuses.append(.object([
                "name": .string(model.name), "version": .string(version.id), "sha": .string(version.sha256.value),
                "status": .string(running ? "Running" : overall),
            ]))
            for pod in entry.pods {
                engines.append(.object([
                    "ip": .string("127.0.0.1"), "name": .string("engine-\(pod.id)"),
                    "status": .string(pod.status == "running" || pod.status == "ready" ? "Running" : "Starting"),
                    "reason": .null, "details": .array([]), "pid": pod.pid.map { .number(Double($0)) } ?? .null,
                ]))
            }
        }
        let pipelineStatus: JSONValue = .object(["pipelines": .array([.object(["id": .string(pipeline.name), "status": .string(overall)])])])
        engines = engines.map { engine in
            guard case .object(var object) = engine else { return engine }
            object["pipeline_statuses"] = pipelineStatus
            object["model_statuses"] = .object(["models": .array(modelStatuses)])
            return .object(object)
        }
        if engines.isEmpty, deployment.status != .running {
            engines = [.object([
                "ip": .null, "name": .string("engine-\(deployment.name)"), "status": .string(overall),
                "reason": deployment.statusMessage.map(JSONValue.string) ?? .null, "details": details,
                "pipeline_statuses": pipelineStatus, "model_statuses": .object(["models": .array(modelStatuses)]),
            ])]
        }
        return .object([
            "status": .string(overall), "details": details, "engines": .array(engines),
            "engine_lbs": .array([.object([
                "ip": .string("127.0.0.1"), "name": .string("engine-lb-\(deployment.name)"), "status": .string("Running"),
                "reason": .null, "details": .array([]),
            ])]),
            "sidekicks": .array([]),
        ])
    }
}
