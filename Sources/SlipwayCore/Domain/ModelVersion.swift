import Foundation

/// Where a model version's artifact is in its life.
public enum ModelVersionStatus: String, Sendable, Codable, CaseIterable {
    /// The artifact is still being received or checked.
    case uploading
    /// The artifact is stored and its digest verified: the version can be deployed.
    case ready
    case failed

    public var isFinal: Bool { self != .uploading }

    /// Only an upload in progress can end, either way; a final status never changes.
    public func canBecome(_ next: ModelVersionStatus) -> Bool {
        self == .uploading && next != .uploading
    }
}

/// One uploaded artifact of a ``Model``: the bytes (in a blob), what they are, and what they
/// take and return.
public struct ModelVersion: Sendable, Equatable, Codable {
    public var id: String
    public var modelID: String
    public var workspaceID: String
    /// 1 for the first version of a model, then one more for each new version: the order of
    /// versions (see ``ModelVersion/precedes(_:)``).
    public var number: Int
    /// Key of the artifact in the blob store.
    public var blobKey: String
    /// The artifact's file name as uploaded (no folders).
    public var fileName: String
    public var size: Int64
    public var sha256: SHA256Hex
    public var framework: ModelFramework
    public var inputSchema: ModelSchema?
    public var outputSchema: ModelSchema?
    /// Runtime settings of the version; a JSON object when present.
    public var configuration: JSONValue?
    public var status: ModelVersionStatus
    /// Why the version failed, when it did; safe to show.
    public var statusMessage: String?
    public var createdAt: Date
    public var createdBy: String
    /// Registry facts (see ``ModelStage``): free text, the lifecycle stage, where the version
    /// was registered from (a tracking URI such as `runs:/<run>/<path>`), the run that made it
    /// and a link to it, and when any of these last changed.
    public var description: String?
    public var stage: ModelStage
    public var source: String?
    public var runID: String?
    public var runLink: String?
    public var updatedAt: Date

    public init(id: String, modelID: String, workspaceID: String, number: Int, blobKey: String, fileName: String,
                size: Int64, sha256: SHA256Hex, framework: ModelFramework, inputSchema: ModelSchema? = nil,
                outputSchema: ModelSchema? = nil, configuration: JSONValue? = nil, status: ModelVersionStatus,
                statusMessage: String? = nil, createdAt: Date, createdBy: String, description: String? = nil,
                stage: ModelStage = .none, source: String? = nil, runID: String? = nil, runLink: String? = nil,
                updatedAt: Date? = nil) {
        self.description = description
        self.stage = stage
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.updatedAt = updatedAt ?? createdAt
        self.id = id
        self.modelID = modelID
        self.workspaceID = workspaceID
        self.number = number
        self.blobKey = blobKey
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.framework = framework
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.configuration = configuration
        self.status = status
        self.statusMessage = statusMessage
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// The number ≥ 1, a blob key, a file name of 1–255 bytes without `/`, `\`, control
    /// characters, `.` or `..`, a size ≥ 0, valid schemas and an object (or no) configuration.
    public func validate() throws(SlipwayError) {
        guard number >= 1 else { throw .badRequest("model version number must be at least 1") }
        guard !blobKey.isEmpty else { throw .badRequest("model version needs the key of its artifact") }
        try Self.validateFileName(fileName)
        guard size >= 0 else { throw .badRequest("model artifact size must not be negative") }
        try inputSchema?.validate()
        try outputSchema?.validate()
        if let configuration, configuration.objectValue == nil {
            throw .badRequest("model configuration must be a JSON object")
        }
    }

    public static func validateFileName(_ name: String) throws(SlipwayError) {
        guard NameRules.isPrintableLabel(name, maximumBytes: 255), name != ".", name != "..",
              !name.contains("/"), !name.contains("\\")
        else {
            throw .badRequest("model file name '\(NameRules.printable(name))' must be 1 to 255 characters, "
                + "without '/', '\\' or control characters")
        }
    }
}
