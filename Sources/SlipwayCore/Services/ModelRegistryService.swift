import Foundation

/// What an upload declares about the model version it creates.
public struct ModelUpload: Sendable {
    public var workspaceID: String
    public var userID: String
    public var name: String
    public var fileName: String
    public var framework: ModelFramework
    public var inputSchema: ModelSchema?
    public var outputSchema: ModelSchema?
    /// How the model is to be run (e.g. the Python version, extra requirements), stored as given.
    public var configuration: JSONValue?

    public init(workspaceID: String, userID: String, name: String, fileName: String, framework: ModelFramework,
                inputSchema: ModelSchema? = nil, outputSchema: ModelSchema? = nil, configuration: JSONValue? = nil) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.name = name
        self.fileName = fileName
        self.framework = framework
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.configuration = configuration
    }
}

/// The model registry: every upload is a new, checked version of a named model in a workspace.
public struct ModelRegistryService: Sendable {
    let platform: Platform

    public init(platform: Platform) {
        self.platform = platform
    }

    /// Stores an upload arriving in chunks: written to a temporary file as it comes (never whole
    /// in memory), then registered as `upload(_:file:)` does.
    public func upload(_ upload: ModelUpload, content: some AsyncSequence<Data, any Error>) async throws -> ModelVersion {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-model-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: file) else {
            throw SlipwayError.internal("could not buffer the model upload")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        var written: Int64 = 0
        do {
            for try await chunk in content {
                written += Int64(chunk.count)
                guard written <= platform.limits.maxModelBytes else {
                    throw SlipwayError(.payloadTooLarge, "the model is larger than \(platform.limits.maxModelBytes) bytes")
                }
                try handle.write(contentsOf: chunk)
            }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        return try await self.upload(upload, file: file)
    }

    /// Checks the artifact in `file` and stores it as the next version of the model (created on
    /// its first upload). The file is consumed. Nothing is stored when a check fails.
    public func upload(_ upload: ModelUpload, file: URL) async throws -> ModelVersion {
        try Model.validateName(upload.name)
        try ModelVersion.validateFileName(upload.fileName)
        try upload.inputSchema?.validate()
        try upload.outputSchema?.validate()
        guard let artifacts = platform.models else { throw SlipwayError.internal("model serving is not configured") }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int64) ?? 0
        guard size > 0 else { throw SlipwayError.badRequest("the model file '\(NameRules.printable(upload.fileName))' is empty") }
        guard size <= platform.limits.maxModelBytes else {
            throw SlipwayError(.payloadTooLarge, "the model is larger than \(platform.limits.maxModelBytes) bytes")
        }
        let facts: ModelArtifactFacts
        do {
            facts = try await artifacts.inspect(file: file, framework: upload.framework)
        } catch let error as SlipwayError {
            throw SlipwayError.badRequest("model '\(upload.name)' (\(upload.framework.rawValue)): \(error.message)",
                                         details: .object(["model": .string(upload.name),
                                                           "framework": .string(upload.framework.rawValue)]))
        }
        var configuration = upload.configuration?.objectValue ?? [:]
        if let requirements = facts.requirements { configuration["artifact_requirements"] = .string(requirements) }
        if !facts.inputNames.isEmpty { configuration["graph_inputs"] = .array(facts.inputNames.map(JSONValue.string)) }
        if !facts.outputNames.isEmpty { configuration["graph_outputs"] = .array(facts.outputNames.map(JSONValue.string)) }
        let storedConfiguration: JSONValue? = configuration.isEmpty ? nil : .object(configuration)
        let now = platform.now()
        let blob = try await platform.blobs.importFile(at: file)
        do {
            return try await platform.store.transaction { store in
                let model: Model
                if let existing = try await store.model(workspaceID: upload.workspaceID, name: upload.name) {
                    model = existing
                } else {
                    model = Model(id: UUID().uuidString.lowercased(), workspaceID: upload.workspaceID, name: upload.name,
                                  createdAt: now, createdBy: upload.userID)
                    try await store.insertModel(model)
                }
                let version = ModelVersion(
                    id: UUID().uuidString.lowercased(), modelID: model.id, workspaceID: upload.workspaceID, number: 1,
                    blobKey: blob.key, fileName: upload.fileName, size: blob.size, sha256: try SHA256Hex(blob.sha256),
                    framework: upload.framework, inputSchema: upload.inputSchema, outputSchema: upload.outputSchema,
                    configuration: storedConfiguration, status: .ready,
                    createdAt: now, createdBy: upload.userID)
                try version.validate()
                return try await store.insertModelVersion(version)
            }
        } catch {
            try? await platform.blobs.delete(blob.key)
            throw error
        }
    }

    public func models(workspaceID: String) async throws -> [Model] {
        try await platform.store.listModels(workspaceID: workspaceID)
    }

    /// The model with this id, in whatever workspace (the caller checks access).
    public func model(id: String) async throws -> Model {
        guard let model = try await platform.store.model(id: id) else { throw SlipwayError.notFound("model", id) }
        return model
    }

    /// The model, when it is in the workspace.
    public func model(id: String, workspaceID: String) async throws -> Model {
        guard let model = try await platform.store.model(id: id), model.workspaceID == workspaceID else {
            throw SlipwayError.notFound("model", id)
        }
        return model
    }

    public func model(named name: String, workspaceID: String) async throws -> Model {
        guard let model = try await platform.store.model(workspaceID: workspaceID, name: name) else {
            throw SlipwayError.notFound("model", NameRules.printable(name))
        }
        return model
    }

    /// Oldest first.
    public func versions(of model: Model) async throws -> [ModelVersion] {
        try await platform.store.modelVersions(modelID: model.id)
    }

    /// The version, when it is in the workspace.
    public func version(id: String, workspaceID: String) async throws -> ModelVersion {
        guard let version = try await platform.store.modelVersion(id: id), version.workspaceID == workspaceID else {
            throw SlipwayError.notFound("model version", NameRules.printable(id))
        }
        return version
    }
}
