import Foundation

/// What registering a model version from a model folder declares.
public struct FolderVersionRequest: Sendable {
    public var workspaceID: String
    public var userID: String
    public var modelName: String
    /// Where the folder is: `runs:/<run>/<path>`, `models:/m-<id>` (a logged model),
    /// `models:/<name>/<version>` (another registered version), `mlflow-artifacts:/<path>`, a URL
    /// under `/mlflow-artifacts/artifacts/`, or a plain artifact path.
    public var source: String
    public var runID: String?
    public var runLink: String?
    public var description: String?
    public var tags: [(key: String, value: String)]

    public init(workspaceID: String, userID: String, modelName: String, source: String, runID: String? = nil,
                runLink: String? = nil, description: String? = nil, tags: [(key: String, value: String)] = []) {
        self.workspaceID = workspaceID
        self.userID = userID
        self.modelName = modelName
        self.source = source
        self.runID = runID
        self.runLink = runLink
        self.description = description
        self.tags = tags
    }
}

/// Registers model versions from model folders (an MLflow model directory: `MLmodel` at its
/// root, the model files, `requirements.txt`, `python_env.yaml`…) as **snapshots**: the folder's
/// files are copied, at registration, into one ZIP of stored entries owned by the version (an
/// opaque blob like every model artifact), so deleting the run or its artifacts later cannot
/// break the version. Size and SHA-256 are those of the ZIP.
///
/// The version's `configuration` (a JSON object) keeps what a runtime needs to load it:
/// - `format`: `"mlflow-model"`;
/// - `flavors`: the flavour names of `MLmodel`, e.g. `["python_function", "sklearn"]`;
/// - `loader_module` (e.g. `mlflow.sklearn`), `python_version`, `model_path` (the model file
///   or folder inside the ZIP: `python_function.model_path`, else the framework flavour's
///   `pickled_model`/`data`/`model_file`), `serialization_format` (`cloudpickle`, `pickle`,
///   `skops`) and `framework_version` (e.g. `sklearn_version`) when `MLmodel` gives them;
/// - `flavor_config`: each flavour's own settings as written in `MLmodel`;
/// - `signature`: `{"inputs": …, "outputs": …, "params": …}` decoded from `MLmodel`'s JSON texts;
/// - `requirements`: the folder's `requirements.txt`, verbatim (up to 1 MiB);
/// - `files`: `[{"path", "offset", "size", "crc32"}]`, where each file's bytes lie in the ZIP
///   (stored, so a file is a byte range of the blob: the registry serves downloads from it);
/// - `source_path`: the artifact folder the snapshot was copied from.
///
/// `framework` follows the flavours: `sklearn` → `.sklearn`, `onnx` → `.onnx`, `xgboost`,
/// `pytorch`, `tensorflow`/`keras` likewise, only `python_function` → `.custom`, any other
/// single framework flavour → `.other(name)`. Without a readable `MLmodel` the version is still
/// recorded (with whatever files were there) as `failed` with a message saying why.
public struct ModelFolderImporter: Sendable {
    let platform: Platform
    let runs: any TrackedRunReading
    let artifacts: ArtifactService
    let registry: ModelRegistryService

    public init(platform: Platform, runs: any TrackedRunReading, artifacts: ArtifactService, registry: ModelRegistryService) {
        self.platform = platform
        self.runs = runs
        self.artifacts = artifacts
        self.registry = registry
    }

    /// The largest `MLmodel` or `requirements.txt` read.
    static let maxDescriptorBytes = 1 << 20
    public static let snapshotFileName = "model.zip"

    /// Where a source's files are.
    public enum Folder: Sendable, Equatable {
        /// An artifact folder (or single file) of the workspace.
        case artifacts(ArtifactPath)
        /// Another registered version (its snapshot is copied as is).
        case version(ModelVersion)
    }

    /// Resolves `source` in the workspace; unknown runs, logged models or versions are not found.
    public func folder(of source: String, workspaceID: String) async throws -> Folder {
        if source.hasPrefix("runs:/") {
            let rest = source.dropFirst("runs:/".count)
            let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let runID = parts.first, !runID.isEmpty else { throw SlipwayError.badRequest("source '\(NameRules.printable(source))' names no run") }
            guard let run = try await runs.runSummary(id: String(runID), workspaceID: workspaceID) else {
                throw SlipwayError.notFound("run", NameRules.printable(String(runID)))
            }
            var path = try ArtifactPath(run.artifactPath)
            if parts.count == 2, !parts[1].isEmpty { path = path.appending(try ArtifactPath(String(parts[1]))) }
            return .artifacts(path)
        }
        if source.hasPrefix("models:/") {
            let rest = String(source.dropFirst("models:/".count))
            let parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1, rest.hasPrefix("m-") {
                guard let path = try await runs.loggedModelArtifactPath(id: rest, workspaceID: workspaceID) else {
                    throw SlipwayError.notFound("logged model", NameRules.printable(rest))
                }
                return .artifacts(try ArtifactPath(path))
            }
            guard parts.count == 2, let number = Int(parts[1]) else {
                throw SlipwayError.badRequest("source '\(NameRules.printable(source))' must be models:/m-<id> or models:/<name>/<version>")
            }
            return .version(try await registry.version(named: parts[0], number: number, workspaceID: workspaceID).version)
        }
        if source.hasPrefix("mlflow-artifacts:") {
            var rest = Substring(source.dropFirst("mlflow-artifacts:".count))
            // `mlflow-artifacts://host/path` names a server; `mlflow-artifacts:/path` this one.
            if rest.hasPrefix("//") { rest = rest.dropFirst(2).drop { $0 != "/" } }
            return .artifacts(try ArtifactPath(String(rest.drop { $0 == "/" })))
        }
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let range = source.range(of: "/mlflow-artifacts/artifacts/") else {
                throw SlipwayError.badRequest("source '\(NameRules.printable(source))' is not an artifact of this server")
            }
            let path = String(source[range.upperBound...]).removingPercentEncoding ?? ""
            return .artifacts(try ArtifactPath(path))
        }
        if source.contains(":") { throw SlipwayError.badRequest("source '\(NameRules.printable(source))': this URI scheme cannot be read") }
        return .artifacts(try ArtifactPath(source))
    }

    /// Registers the next version of the (existing) model from the folder `request.source` names.
    public func registerVersion(_ request: FolderVersionRequest) async throws -> RegisteredVersion {
        try ModelRegistryService.validateDescription(request.description)
        for tag in request.tags { try ModelRegistryService.validateTag(key: tag.key, value: tag.value) }
        guard request.source.utf8.count <= 4096 else { throw SlipwayError.badRequest("source is longer than 4096 bytes") }
        let model = try await registry.registryModel(named: request.modelName, workspaceID: request.workspaceID)
        let folder = try await self.folder(of: request.source, workspaceID: request.workspaceID)
        let snapshot: Snapshot
        switch folder {
        case .artifacts(let path): snapshot = try await copy(path, workspaceID: request.workspaceID)
        case .version(let version): snapshot = try await copy(version)
        }
        let now = platform.now()
        do {
            let stored = try await platform.store.transaction { store in
                guard try await store.model(id: model.id) != nil else {
                    throw SlipwayError.notFound("registered model", NameRules.printable(request.modelName))
                }
                let version = ModelVersion(
                    id: UUID().uuidString.lowercased(), modelID: model.id, workspaceID: request.workspaceID, number: 1,
                    blobKey: snapshot.blob.key, fileName: Self.snapshotFileName, size: snapshot.blob.size,
                    sha256: try SHA256Hex(snapshot.blob.sha256), framework: snapshot.framework,
                    configuration: .object(snapshot.configuration), status: snapshot.failure == nil ? .ready : .failed,
                    statusMessage: snapshot.failure, createdAt: now, createdBy: request.userID,
                    description: request.description, source: request.source, runID: request.runID, runLink: request.runLink)
                try version.validate()
                let inserted = try await store.insertModelVersion(version)
                for tag in request.tags {
                    try await store.setModelVersionTag(versionID: inserted.id, workspaceID: request.workspaceID,
                                                       key: tag.key, value: tag.value)
                }
                return inserted
            }
            return try await registry.registeredVersion(stored, modelName: model.name)
        } catch {
            try? await platform.blobs.delete(snapshot.blob.key)
            throw error
        }
    }

    struct Snapshot {
        var blob: BlobInfo
        var framework: ModelFramework
        var configuration: [String: JSONValue]
        var failure: String?
    }

    /// Copies every file of `path` (or the file `path`) into a new ZIP blob and reads its `MLmodel`.
    func copy(_ path: ArtifactPath, workspaceID: String) async throws -> Snapshot {
        var files = try await artifacts.files(under: path, workspaceID: workspaceID)
        var base = path
        if files.isEmpty, !path.isRoot, let size = try await platform.blobs.size(of: ArtifactService.blobKey(path, workspaceID: workspaceID)) {
            // A single file: the snapshot holds it under its own name.
            base = path.parent
            files = [ArtifactEntry(path: path.name, isFolder: false, size: size)]
        }
        let total = files.reduce(Int64(0)) { $0 + ($1.size ?? 0) }
        guard total <= platform.limits.maxModelBytes else {
            throw SlipwayError.tooLarge("the model folder is larger than \(platform.limits.maxModelBytes) bytes")
        }
        var zip = StoredZipWriter()
        let writer = try await platform.blobs.makeWriter()
        var descriptors: [String: Data] = [:]
        let blob: BlobInfo
        do {
            for file in files {
                try await writer.write(try zip.begin(file.path))
                let source = base.appending(try ArtifactPath(file.path))
                guard let content = try await artifacts.download(source, workspaceID: workspaceID) else {
                    throw SlipwayError.conflict("artifact '\(source)' disappeared while the model was registered")
                }
                let keep = file.path == "MLmodel" || file.path == "requirements.txt"
                var kept = Data()
                for try await chunk in content.chunks {
                    try zip.add(chunk)
                    try await writer.write(chunk)
                    if keep, kept.count <= Self.maxDescriptorBytes { kept.append(chunk) }
                }
                if keep, kept.count <= Self.maxDescriptorBytes { descriptors[file.path] = kept }
                try await writer.write(try zip.end())
            }
            try await writer.write(try zip.finish())
            blob = try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
        var configuration: [String: JSONValue] = [
            "format": .string("mlflow-model"),
            "source_path": .string(path.description),
            "files": .array(zip.entries.map { entry -> JSONValue in
                .object(["path": .string(entry.name), "offset": .number(Double(entry.dataOffset)),
                         "size": .number(Double(entry.size)), "crc32": .number(Double(entry.crc32))])
            }),
        ]
        if let requirements = descriptors["requirements.txt"] {
            configuration["requirements"] = .string(String(decoding: requirements, as: UTF8.self))
        }
        guard let descriptor = descriptors["MLmodel"] else {
            let problem = files.isEmpty ? "the model folder '\(path)' is empty or missing"
                : "the model folder '\(path)' has no MLmodel file at its root"
            return Snapshot(blob: blob, framework: .custom, configuration: configuration, failure: problem)
        }
        switch Self.readFacts(String(decoding: descriptor, as: UTF8.self)) {
        case .success(let facts):
            configuration.merge(facts.configuration) { _, new in new }
            return Snapshot(blob: blob, framework: facts.framework, configuration: configuration, failure: nil)
        case .failure(let error):
            return Snapshot(blob: blob, framework: .custom, configuration: configuration,
                            failure: "the MLmodel file cannot be read: \(error.message)")
        }
    }

    /// Copies another version's artifact as it is (a new blob with the same bytes).
    func copy(_ version: ModelVersion) async throws -> Snapshot {
        let blob = try await platform.blobs.duplicate(version.blobKey)
        return Snapshot(blob: blob, framework: version.framework, configuration: version.configuration?.objectValue ?? [:],
                        failure: version.status == .failed ? version.statusMessage ?? "the source version failed" : nil)
    }

    struct ModelFacts: Sendable {
        var framework: ModelFramework
        var configuration: [String: JSONValue]
    }

    static func readFacts(_ text: String) -> Result<ModelFacts, SlipwayError> {
        Result { () throws(SlipwayError) -> ModelFacts in
            let facts = try modelFacts(text)
            return ModelFacts(framework: facts.framework, configuration: facts.configuration)
        }
    }

    /// The framework and runtime facts of an `MLmodel` text.
    public static func modelFacts(_ text: String) throws(SlipwayError) -> (framework: ModelFramework, configuration: [String: JSONValue]) {
        guard case .object(let root) = try BlockYAMLReader.parse(text) else { throw .badRequest("MLmodel is not a mapping") }
        guard case .object(let flavors)? = root["flavors"], !flavors.isEmpty else { throw .badRequest("MLmodel lists no flavors") }
        var configuration: [String: JSONValue] = [
            "flavors": .array(flavors.keys.sorted().map(JSONValue.string)),
            "flavor_config": .object(flavors),
        ]
        let pyfunc = flavors["python_function"]?.objectValue ?? [:]
        let known: [(String, ModelFramework)] = [("sklearn", .sklearn), ("onnx", .onnx), ("xgboost", .xgboost),
                                                 ("pytorch", .pytorch), ("tensorflow", .tensorflow), ("keras", .tensorflow)]
        var framework = ModelFramework.custom
        var frameworkFlavor: String? = nil
        if let match = known.first(where: { flavors[$0.0] != nil }) {
            framework = match.1
            frameworkFlavor = match.0
        } else if let other = flavors.keys.sorted().first(where: { $0 != "python_function" }) {
            framework = .other(other)
            frameworkFlavor = other
        }
        let own = frameworkFlavor.flatMap { flavors[$0]?.objectValue } ?? [:]
        if let loader = pyfunc["loader_module"]?.stringValue { configuration["loader_module"] = .string(loader) }
        if let python = pyfunc["python_version"] { configuration["python_version"] = .string(Self.text(python)) }
        if let path = pyfunc["model_path"]?.stringValue ?? own["pickled_model"]?.stringValue ?? own["data"]?.stringValue
            ?? own["model_file"]?.stringValue ?? pyfunc["data"]?.stringValue {
            configuration["model_path"] = .string(path)
        }
        if let format = own["serialization_format"]?.stringValue { configuration["serialization_format"] = .string(format) }
        if let flavor = frameworkFlavor, let version = own["\(flavor)_version"] ?? own["\(flavor)_lib_version"] {
            configuration["framework_version"] = .string(Self.text(version))
        }
        if case .object(let signature)? = root["signature"] {
            var decoded: [String: JSONValue] = [:]
            for (key, value) in signature {
                if let text = value.stringValue, let parsed = try? JSONTextParser.parse(text) { decoded[key] = parsed } else { decoded[key] = value }
            }
            configuration["signature"] = .object(decoded)
        }
        if let version = root["mlflow_version"] { configuration["mlflow_version"] = .string(Self.text(version)) }
        return (framework, configuration)
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag): flag ? "true" : "false"
        default: ""
        }
    }
}
