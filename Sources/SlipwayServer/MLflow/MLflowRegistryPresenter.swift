import Foundation
import SlipwayCore

/// The registry's response shapes: `RegisteredModel` and `ModelVersion` as MLflow's JSON
/// (snake_case, int64 millisecond timestamps as numbers, optional fields left out when unset).
enum MLflowRegistryPresenter {
    static func millis(_ date: Date) -> JSONValue { .number((date.timeIntervalSince1970 * 1000).rounded()) }

    static func tags(_ tags: [String: String]) -> JSONValue {
        .array(tags.keys.sorted().map { .object(["key": .string($0), "value": .string(tags[$0]!)]) })
    }

    static func registeredModel(_ registered: RegisteredModel) -> JSONValue {
        let model = registered.model
        var fields: [String: JSONValue] = [
            "name": .string(model.name),
            "creation_timestamp": millis(model.createdAt),
            "last_updated_timestamp": millis(max(model.updatedAt, registered.versions.map(\.updatedAt).max() ?? model.updatedAt)),
            "user_id": .string(model.createdBy),
            "tags": tags(registered.tags),
            "aliases": .array(registered.aliases.keys.sorted().map {
                .object(["alias": .string($0), "version": .string(String(registered.aliases[$0]!))])
            }),
        ]
        if let description = model.description { fields["description"] = .string(description) }
        let latest = registered.latestVersions
        if !latest.isEmpty {
            fields["latest_versions"] = .array(latest.map { version in
                modelVersion(RegisteredVersion(version: version, modelName: model.name, tags: [:],
                                               aliases: registered.aliases.filter { $0.value == version.number }.keys.sorted()),
                             includeTags: false)
            })
        }
        return .object(fields)
    }

    static func status(_ status: ModelVersionStatus) -> String {
        switch status {
        case .uploading: "PENDING_REGISTRATION"
        case .ready: "READY"
        case .failed: "FAILED_REGISTRATION"
        }
    }

    /// The URI a version's files are read from through the proxied artifact service.
    static func downloadURI(_ version: ModelVersion) -> String {
        "mlflow-artifacts:/" + ArtifactService.versionFolder(version.id)
    }

    static func modelVersion(_ registered: RegisteredVersion, includeTags: Bool = true) -> JSONValue {
        let version = registered.version
        var fields: [String: JSONValue] = [
            "name": .string(registered.modelName),
            "version": .string(String(version.number)),
            "creation_timestamp": millis(version.createdAt),
            "last_updated_timestamp": millis(version.updatedAt),
            "user_id": .string(version.createdBy),
            "current_stage": .string(version.stage.rawValue),
            "source": .string(version.source ?? downloadURI(version)),
            "status": .string(status(version.status)),
            "aliases": .array(registered.aliases.map(JSONValue.string)),
        ]
        if includeTags { fields["tags"] = tags(registered.tags) }
        if let description = version.description { fields["description"] = .string(description) }
        if let runID = version.runID { fields["run_id"] = .string(runID) }
        if let runLink = version.runLink { fields["run_link"] = .string(runLink) }
        if let message = version.statusMessage { fields["status_message"] = .string(message) }
        return .object(fields)
    }
}
