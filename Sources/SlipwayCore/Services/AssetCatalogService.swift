import Crypto
import Foundation

/// The ML asset catalog: models, data sets and federated trainings with their semantic
/// descriptions, semantic queries, and (in `+Dataspace`) connectors and shared resources.
///
/// Visibility: an asset belongs to one workspace (the one the creator's token acts in) and is
/// seen, changed and described only by members of that workspace; to anyone else it does not
/// exist (404). A tracked model path is resolved in the asset's workspace only.
public struct AssetCatalogService: Sendable {
    let store: any MetadataStore
    let accounts: AccountService
    let trackedRuns: TrackedRunSources
    let generator = SemanticGenerator()
    let now: @Sendable () -> Date

    /// Largest model manifest read, and largest model file scanned for its class.
    static let manifestLimit = 1 << 20
    static let modelFileLimit = 64 << 20

    public init(store: any MetadataStore, accounts: AccountService, trackedRuns: TrackedRunSources,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.accounts = accounts
        self.trackedRuns = trackedRuns
        self.now = now
    }

    /// What a creator gives for a new asset.
    public struct Draft: Sendable, Equatable {
        public var kind: CatalogAssetKind
        public var name: String
        public var version: String
        public var description: String?
        public var modelPath: String?
        public var trackingURI: String?
        public var metadata: [String: JSONValue]

        public init(kind: CatalogAssetKind, name: String, version: String = "", description: String? = nil,
                    modelPath: String? = nil, trackingURI: String? = nil, metadata: [String: JSONValue] = [:]) {
            self.kind = kind
            self.name = name
            self.version = version
            self.description = description
            self.modelPath = modelPath
            self.trackingURI = trackingURI
            self.metadata = metadata
        }
    }

    /// Changes of an asset: fields given replace the stored ones; metadata entries set to null are removed.
    public struct Changes: Sendable, Equatable {
        public var name: String?
        public var version: String?
        public var description: String?
        public var modelPath: String?
        public var trackingURI: String?
        public var metadata: [String: JSONValue] = [:]

        public init(name: String? = nil, version: String? = nil, description: String? = nil, modelPath: String? = nil,
                    trackingURI: String? = nil, metadata: [String: JSONValue] = [:]) {
            self.name = name
            self.version = version
            self.description = description
            self.modelPath = modelPath
            self.trackingURI = trackingURI
            self.metadata = metadata
        }
    }

    /// Creates an asset in `workspaceID` (the caller must be a member) and describes it. A model
    /// path must be one of the accepted forms; what it names is read then, and what cannot be
    /// read yet is noted in the description (`unresolved`) rather than refused.
    public func create(_ draft: Draft, in workspaceID: String, by user: User) async throws -> CatalogAsset {
        try await requireMember(user, workspaceID)
        try Self.validate(name: draft.name, version: draft.version, description: draft.description, metadata: draft.metadata)
        if let path = draft.modelPath { _ = try TrackedModelReference(path) }
        if let uri = draft.trackingURI { _ = try TrackedRunSources.validatedURL(uri) }
        guard try await store.catalogAssets(workspaceIDs: [workspaceID], kind: draft.kind)
            .first(where: { $0.name == draft.name && $0.version == draft.version }) == nil else {
            throw SlipwayError.conflict("a \(draft.kind.rawValue) named '\(NameRules.printable(draft.name))' with version "
                                        + "'\(NameRules.printable(draft.version))' already exists")
        }
        let created = now()
        var asset = CatalogAsset(id: Self.newID(), workspaceID: workspaceID, kind: draft.kind, name: draft.name,
                                 version: draft.version, description: draft.description, modelPath: draft.modelPath,
                                 trackingURI: draft.trackingURI, metadata: draft.metadata, createdAt: created,
                                 createdBy: user.id)
        asset.semantics = try await describe(asset)
        try await store.insertCatalogAsset(asset)
        return asset
    }

    /// Applies changes; the description is made again from the changed asset (an earlier
    /// manual update of the description is kept on top of it).
    public func update(id: String, kind: CatalogAssetKind?, changes: Changes, by user: User) async throws -> CatalogAsset {
        var asset = try await asset(id: id, kind: kind, for: user)
        if let name = changes.name { asset.name = name }
        if let version = changes.version { asset.version = version }
        if let description = changes.description { asset.description = description }
        if let path = changes.modelPath { asset.modelPath = path.isEmpty ? nil : path }
        if let uri = changes.trackingURI { asset.trackingURI = uri.isEmpty ? nil : uri }
        for (key, value) in changes.metadata { asset.metadata[key] = value.isNull ? nil : value }
        try Self.validate(name: asset.name, version: asset.version, description: asset.description, metadata: asset.metadata)
        if let path = asset.modelPath { _ = try TrackedModelReference(path) }
        if let uri = asset.trackingURI { _ = try TrackedRunSources.validatedURL(uri) }
        let renamed = asset
        if try await store.catalogAssets(workspaceIDs: [asset.workspaceID], kind: asset.kind)
            .contains(where: { $0.id != renamed.id && $0.name == renamed.name && $0.version == renamed.version }) {
            throw SlipwayError.conflict("a \(asset.kind.rawValue) named '\(NameRules.printable(asset.name))' with version "
                                        + "'\(NameRules.printable(asset.version))' already exists")
        }
        asset.updatedAt = now()
        asset.semantics = try await describe(asset)
        guard try await store.updateCatalogAsset(asset) else { throw SlipwayError.notFound("asset", id) }
        return asset
    }

    /// An asset the caller can see (of `kind` when given); anything else is not found.
    public func asset(id: String, kind: CatalogAssetKind?, for user: User) async throws -> CatalogAsset {
        let what = kind?.rawValue ?? "asset"
        guard let digest = try? SHA256Hex(id) else {
            throw SlipwayError.badRequest("\(what) id '\(NameRules.printable(id))' is not 64 hexadecimal digits")
        }
        guard let asset = try await store.catalogAsset(id: digest.value), kind == nil || asset.kind == kind,
              try await accounts.member(userID: user.id, workspaceID: asset.workspaceID) != nil
        else { throw SlipwayError.notFound(what, digest.value) }
        return asset
    }

    /// Every asset the caller can see (of `kind` when given), oldest first.
    public func assets(kind: CatalogAssetKind?, for user: User) async throws -> [CatalogAsset] {
        try await store.catalogAssets(workspaceIDs: try await accounts.workspaceIDs(of: user.id), kind: kind)
    }

    /// Makes the asset's description again from its metadata and tracked run (a manual
    /// update is discarded).
    public func regenerateSemantics(id: String, for user: User) async throws -> CatalogAsset {
        var asset = try await asset(id: id, kind: nil, for: user)
        asset.semanticChanges = nil
        asset.semantics = try await describe(asset, keepingUpdates: false)
        asset.updatedAt = now()
        guard try await store.updateCatalogAsset(asset) else { throw SlipwayError.notFound("asset", id) }
        return asset
    }

    /// Changes the asset's description.
    public func updateSemantics(id: String, changes: SemanticChanges, for user: User) async throws -> CatalogAsset {
        guard !changes.isEmpty else { throw SlipwayError.badRequest("the update changes nothing") }
        var asset = try await asset(id: id, kind: nil, for: user)
        var base = asset.semantics
        if base == nil { base = try await describe(asset) }
        let changed = changes.applied(to: base!, at: now())
        try Self.validate(name: changed.title, version: "", description: changed.summary, metadata: [:])
        asset.semantics = changed
        asset.semanticChanges = Self.record(changes, onto: asset.semanticChanges)
        asset.updatedAt = now()
        guard try await store.updateCatalogAsset(asset) else { throw SlipwayError.notFound("asset", id) }
        return asset
    }

    /// The assets the caller can see that match `query`.
    public func query(_ text: String, kind: CatalogAssetKind? = nil, for user: User) async throws -> [CatalogAsset] {
        let query = try SemanticQuery(text)
        return try await assets(kind: kind, for: user).filter(query.matches)
    }

    /// The files of a tracked run's artifact folder, for a member of `workspaceID` (a remote
    /// tracking server ignores the workspace).
    public func runArtifacts(runID: String, trackingURI: String?, workspaceID: String,
                             for user: User) async throws -> (run: TrackedRunSummary, files: [String]) {
        try await requireMember(user, workspaceID)
        guard !runID.isEmpty, runID.utf8.count <= 256, runID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        else { throw SlipwayError.badRequest("run id '\(NameRules.printable(runID))' is not valid") }
        let reader = try trackedRuns.reader(trackingURI: trackingURI)
        guard let run = try await reader.runSummary(id: runID, workspaceID: workspaceID) else {
            throw SlipwayError.notFound("run", runID)
        }
        return (run, try await reader.artifactFiles(under: run.artifactPath, workspaceID: workspaceID))
    }

    /// The files of a tracked model asset's folder (empty for other assets).
    public func modelFiles(id: String, for user: User) async throws -> (folder: String?, files: [String]) {
        let asset = try await asset(id: id, kind: nil, for: user)
        guard let path = asset.modelPath else { return (nil, []) }
        let reader = try trackedRuns.reader(trackingURI: asset.trackingURI)
        guard let folder = try await resolve(try TrackedModelReference(path), reader: reader, workspaceID: asset.workspaceID)
            .folder else { return (nil, []) }
        return (folder, try await reader.artifactFiles(under: folder, workspaceID: asset.workspaceID))
    }

    // MARK: Describing

    /// The description of `asset`: generated, then (when `keepingUpdates`) with the recorded
    /// manual changes applied again.
    func describe(_ asset: CatalogAsset, keepingUpdates: Bool = true) async throws -> SemanticDescription {
        var inputs = SemanticGenerator.Inputs()
        var unresolved: String?
        if let path = asset.modelPath {
            let reference = try TrackedModelReference(path)
            do {
                let reader = try trackedRuns.reader(trackingURI: asset.trackingURI)
                let resolved = try await resolve(reference, reader: reader, workspaceID: asset.workspaceID)
                inputs.run = resolved.run
                inputs.manifest = resolved.manifest
                inputs.modelClass = resolved.modelClass
                if case .registeredModel = reference {
                    unresolved = "registered model versions are described by their path only"
                }
            } catch let error as SlipwayError where error.kind != .badRequest && error.kind != .internal {
                // What the tracking store cannot tell now (no such run yet, no store, server
                // down) leaves the asset described by its metadata; generating again retries.
                unresolved = error.message
            } catch let error as SlipwayError {
                throw error
            } catch {
                unresolved = "the tracking server could not be read"
            }
        }
        var description = generator.describe(asset, inputs, at: now())
        description.unresolved = unresolved
        if keepingUpdates, let recorded = asset.semanticChanges {
            description = Self.changes(from: recorded).applied(to: description, at: now())
        }
        return description
    }

    struct Resolved {
        var run: TrackedRunSummary?
        var folder: String?
        var manifest: JSONValue?
        var modelClass: (module: String, name: String)?
    }

    /// Reads the run, folder, manifest and model class a model path leads to; a path naming a
    /// run or logged model that does not exist is an error.
    func resolve(_ reference: TrackedModelReference, reader: any TrackedRunReading, workspaceID: String) async throws -> Resolved {
        var resolved = Resolved()
        switch reference {
        case .runArtifacts(let experimentID, let runID, let path):
            guard let run = try await reader.runSummary(id: runID, workspaceID: workspaceID),
                  experimentID == nil || experimentID == run.experimentID else {
                throw SlipwayError(.unprocessable, "the model path names run '\(NameRules.printable(runID))', which does not exist")
            }
            resolved.run = run
            resolved.folder = run.artifactPath + "/" + path
        case .loggedModel(_, let modelID):
            guard let folder = try await reader.loggedModelArtifactPath(id: modelID, workspaceID: workspaceID) else {
                throw SlipwayError(.unprocessable,
                                   "the model path names logged model '\(NameRules.printable(modelID))', which does not exist")
            }
            resolved.folder = folder
        case .registeredModel:
            // Registered versions are not readable through the tracking seam: described by path only.
            return resolved
        }
        guard let folder = resolved.folder else { return resolved }
        if let data = try await reader.artifactFile(folder + "/MLmodel", workspaceID: workspaceID, limit: Self.manifestLimit),
           let text = String(data: data, encoding: .utf8), let manifest = try? BlockYAMLReader.parse(text) {
            resolved.manifest = manifest
            if resolved.run == nil, let runID = manifest["run_id"]?.stringValue {
                resolved.run = try await reader.runSummary(id: runID, workspaceID: workspaceID)
            }
            let flavors = manifest["flavors"]?.objectValue ?? [:]
            if let sklearn = flavors["sklearn"]?.objectValue, let file = sklearn["pickled_model"]?.stringValue,
               ["pickle", "cloudpickle", nil].contains(sklearn["serialization_format"]?.stringValue),
               !file.contains(".."), let bytes = try? await reader.artifactFile(folder + "/" + file, workspaceID: workspaceID,
                                                                             limit: Self.modelFileLimit) {
                resolved.modelClass = PickleClassScanner.topClass(bytes)
            }
        }
        return resolved
    }

    // MARK: Helpers

    func requireMember(_ user: User, _ workspaceID: String) async throws {
        guard try await accounts.member(userID: user.id, workspaceID: workspaceID) != nil else {
            throw SlipwayError.forbidden("you are not a member of this workspace")
        }
    }

    /// A new id: the SHA-256 of 32 random bytes, as 64 hexadecimal digits.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Hex.encode(SHA256.hash(data: bytes))
    }

    static func validate(name: String, version: String, description: String?, metadata: [String: JSONValue]) throws(SlipwayError) {
        guard NameRules.isPrintableLabel(name, maximumBytes: 255) else {
            throw .badRequest("name must be 1 to 255 characters without control characters")
        }
        guard version.isEmpty || NameRules.isPrintableLabel(version, maximumBytes: 64) else {
            throw .badRequest("version must be at most 64 characters without control characters")
        }
        if let description, description.utf8.count > 10_000 {
            throw .badRequest("description must be at most 10000 bytes")
        }
        guard JSONValue.object(metadata).jsonString().utf8.count <= 256 * 1024 else {
            throw .tooLarge("the asset's metadata is larger than 256 KiB")
        }
    }

    /// Manual semantic changes are kept with the asset so that a regeneration after a metadata
    /// change applies them again.
    static func record(_ changes: SemanticChanges, onto previous: JSONValue?) -> JSONValue {
        var object = previous?.objectValue ?? [:]
        func set(_ key: String, _ value: JSONValue?) { if let value { object[key] = value } }
        set("title", changes.title.map(JSONValue.string))
        set("summary", changes.summary.map(JSONValue.string))
        set("algorithm", changes.algorithm.map(JSONValue.string))
        set("implementation", changes.implementation.map(JSONValue.string))
        set("frameworks", changes.frameworks.map { .array($0.map(JSONValue.string)) })
        set("datasets", changes.datasets.map { .array($0.map(JSONValue.string)) })
        set("keywords", changes.keywords.map { .array($0.map(JSONValue.string)) })
        func merge(_ key: String, _ entries: [String: JSONValue]) {
            guard !entries.isEmpty else { return }
            var map = object[key]?.objectValue ?? [:]
            for (name, value) in entries { map[name] = value }
            object[key] = .object(map)
        }
        merge("parameters", changes.parameters.mapValues { $0.map(JSONValue.string) ?? .null })
        merge("metrics", changes.metrics.mapValues { $0.map(JSONValue.number) ?? .null })
        merge("tags", changes.tags.mapValues { $0.map(JSONValue.string) ?? .null })
        merge("properties", changes.properties.mapValues { $0.map(JSONValue.string) ?? .null })
        return .object(object)
    }

    static func changes(from recorded: JSONValue) -> SemanticChanges {
        var changes = SemanticChanges()
        let object = recorded.objectValue ?? [:]
        changes.title = object["title"]?.stringValue
        changes.summary = object["summary"]?.stringValue
        changes.algorithm = object["algorithm"]?.stringValue
        changes.implementation = object["implementation"]?.stringValue
        changes.frameworks = object["frameworks"]?.arrayValue?.compactMap(\.stringValue)
        changes.datasets = object["datasets"]?.arrayValue?.compactMap(\.stringValue)
        changes.keywords = object["keywords"]?.arrayValue?.compactMap(\.stringValue)
        for (name, value) in object["parameters"]?.objectValue ?? [:] { changes.parameters[name] = .some(value.stringValue) }
        for (name, value) in object["metrics"]?.objectValue ?? [:] {
            if case .number(let number) = value { changes.metrics[name] = .some(number) } else { changes.metrics[name] = .some(nil) }
        }
        for (name, value) in object["tags"]?.objectValue ?? [:] { changes.tags[name] = .some(value.stringValue) }
        for (name, value) in object["properties"]?.objectValue ?? [:] { changes.properties[name] = .some(value.stringValue) }
        return changes
    }
}
