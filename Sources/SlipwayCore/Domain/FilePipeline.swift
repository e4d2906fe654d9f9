import Foundation

/// Runs a workflow definition (a code package) on every new data-store file that meets its
/// condition: one ``FileWorkflow`` per (pipeline, file version).
public struct FilePipeline: Sendable, Equatable {
    /// A configuration value of the pipeline: a literal, or a workspace's shared setting or
    /// secret by name (read when a workflow runs; a secret only reaches the step that uses it).
    public enum ConfigValue: Sendable, Equatable, Codable {
        case literal(JSONValue)
        case sharedSetting(String)
        case secret(String)
    }

    public var id: String
    public var workspaceID: String
    public var name: String
    public var description: String
    /// The workflow definition run for each file.
    public var packageID: String
    public var config: [String: ConfigValue]
    public var condition: FileCondition
    public var enabled: Bool
    /// Files stored from this moment on are due (set when the pipeline is enabled).
    public var enabledAt: Date
    public var createdBy: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, workspaceID: String, name: String, description: String, packageID: String,
                config: [String: ConfigValue], condition: FileCondition, enabled: Bool, enabledAt: Date,
                createdBy: String, createdAt: Date, updatedAt: Date? = nil) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.description = description
        self.packageID = packageID
        self.config = config
        self.condition = condition
        self.enabled = enabled
        self.enabledAt = enabledAt
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Whether storing `object` starts a workflow: enabled, the file stored since it was enabled,
    /// not written by one of this pipeline's own workflows, and meeting the condition.
    public func isDue(_ object: DataObject) -> Bool {
        enabled && object.workspaceID == workspaceID && object.lastModified >= enabledAt
            && object.attributes.producedByPipeline != id
            && condition.matches(path: object.path, attributes: object.attributes)
    }
}
